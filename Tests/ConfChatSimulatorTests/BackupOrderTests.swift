import ConfChatCore
import ConfChatSimulator
import Testing

/// A chat message's backup entries wait for nobody, so they leave after what someone waits
/// for: the sender's CHAT, its delivery and its acknowledgement. The simulator holds them
/// back until the network has carried the rest (`HeldBackLinks`), as two processes would
/// encrypt and send the sender's BACKUP while the recipient handles the CHAT.
@Suite struct BackupOrderTests {
    /// The trace from `start` on as `from -> to KIND` and `peer <= from text` lines.
    private func lines(_ trace: TraceRecorder, from start: Int) -> [String] {
        trace.events[start...].compactMap { event in
            switch event.kind {
            case let .send(from, to, kind, _, _): "\(from) -> \(to) \(kind)"
            case let .deliver(peer, from, _, text, _): "\(peer) <= \(from) \(text)"
            default: nil
            }
        }
    }

    /// Alice logs out, loses her data directory and logs in again: what she sent bob must come
    /// back (from the registry's backup, or from bob if he is up), in order.
    private func expectWipedAliceGetsBack(_ texts: [String], _ sim: Simulator,
                                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try sim.command("alice", .logout) == nil, sourceLocation: sourceLocation)
        try sim.wipe("alice")
        #expect(try sim.command("alice", .login(password: "a")) == nil, sourceLocation: sourceLocation)
        try sim.advance(by: 1_000)
        #expect(try sim.sent("alice", to: "bob") == texts, sourceLocation: sourceLocation)
    }

    @Test("both BACKUPs of a message leave after the CHAT, the delivery and the CHAT-ACK")
    func backupLeavesLast() throws {
        let trace = TraceRecorder()
        let sim = try Simulator.twoFriends(SimOptions(transport: .inproc), trace: trace)
        let before = trace.events.count
        #expect(try sim.command("alice", .send(to: "bob", text: "hi")) == nil)
        #expect(lines(trace, from: before) == [
            "alice -> bob CHAT",
            "bob <= alice hi",
            "bob -> alice CHAT-ACK",
            "alice -> registry BACKUP",
            "bob -> registry BACKUP",
        ])
        // Both entries still reach the registry: a wiped alice gets the message back.
        #expect(try sim.command("alice", .logout) == nil)
        try sim.wipe("alice")
        #expect(try sim.command("alice", .login(password: "a")) == nil)
        try sim.advance(by: 1_000)
        #expect(try sim.sent("alice", to: "bob") == ["hi"])
    }

    @Test("a crash before a held-back BACKUP leaves loses it; the next login sends it again")
    func crashLosesHeldBackBackup() throws {
        let trace = TraceRecorder()
        let sim = try Simulator.twoFriends(SimOptions(transport: .inproc), trace: trace)
        // Past the send's last step: alice crashes right after the input, her write
        // committed, her CHAT sent, her BACKUP still held back.
        try sim.arm(FaultPlan(node: "alice", afterSteps: 99))
        var start = trace.events.count
        #expect(try sim.command("alice", .send(to: "bob", text: "hi")) == nil)
        #expect(lines(trace, from: start) == ["alice -> bob CHAT", "bob <= alice hi", "bob -> registry BACKUP"])
        #expect(!sim.isUp("alice"))
        #expect(try sim.sent("alice", to: "bob") == ["hi"])

        // Her next login finds the registry's backup without the entry and sends it again.
        try sim.restart("alice")
        start = trace.events.count
        #expect(try sim.command("alice", .login(password: "a")) == nil)
        #expect(lines(trace, from: start).contains("alice -> registry BACKUP"))

        // The registry's backup alone gives it back to a wiped alice: bob, who could give
        // it back too, is down.
        try sim.crash("bob")
        try expectWipedAliceGetsBack(["hi"], sim)
    }

    @Test("backup entries that wait together leave together: one BACKUPS a peer, and the registry keeps every entry")
    func entriesWaitingTogetherLeaveInOneFrame() throws {
        let trace = TraceRecorder()
        let sim = try Simulator.twoFriends(SimOptions(transport: .inproc), trace: trace)
        let alice = try sim.benchPeers(["alice"])[0]
        let before = trace.events.count
        // Three sends issued before the network settles (the bench's way): each peer holds
        // three entries when nothing else arrives at this instant.
        for text in ["one", "two", "three"] { _ = try sim.issue(alice, .send(to: "bob", text: text), grouped: false) }
        try sim.settle()
        let backups = lines(trace, from: before).filter { $0.contains("registry") }
        #expect(backups == ["alice -> registry BACKUPS", "bob -> registry BACKUPS"])
        let fields = trace.events[before...].compactMap { event -> String? in
            if case let .send(from, _, "BACKUPS", fields, _) = event.kind { return "\(from): \(fields)" }
            return nil
        }
        #expect(fields == ["alice: to=bob#1 to=bob#2 to=bob#3", "bob: from=alice#1 from=alice#2 from=alice#3"])
        // Every entry reached the registry, in order: a wiped alice gets all three back from it
        // alone (bob, who could give them back too, is down).
        try sim.crash("bob")
        try expectWipedAliceGetsBack(["one", "two", "three"], sim)
    }
}
