import ConfChatCore
import ConfChatSimulator
import Testing

/// A chat message's backup entries wait for nobody, so they leave after what someone waits
/// for: the sender's CHAT, and at the recipient the delivery and its acknowledgement. Before,
/// each BACKUP went first, and the registry's handling of it came before the CHAT's delivery.
@Suite struct BackupOrderTests {
    @Test("a BACKUP leaves after the CHAT, the delivery and the CHAT-ACK of its message")
    func backupLeavesLast() throws {
        let trace = TraceRecorder()
        let sim = try Simulator.twoFriends(SimOptions(transport: .inproc), trace: trace)
        let before = trace.events.count
        #expect(try sim.command("alice", .send(to: "bob", text: "hi")) == nil)
        let lines: [String] = trace.events[before...].compactMap { event in
            switch event.kind {
            case let .send(from, to, kind, _, _): "\(from) -> \(to) \(kind)"
            case let .deliver(peer, from, _, text, _): "\(peer) <= \(from) \(text)"
            default: nil
            }
        }
        #expect(lines == [
            "alice -> bob CHAT",
            "alice -> registry BACKUP",
            "bob <= alice hi",
            "bob -> alice CHAT-ACK",
            "bob -> registry BACKUP",
        ])
        // Both entries still reach the registry: a wiped alice gets the message back.
        #expect(try sim.command("alice", .logout) == nil)
        try sim.wipe("alice")
        #expect(try sim.command("alice", .login(password: "a")) == nil)
        try sim.advance(by: 1_000)
        #expect(try sim.sent("alice", to: "bob") == ["hi"])
    }
}
