import ConfChatCore
import Testing

/// What a buggy or hostile friend can send a peer: odd sequence numbers and floods of early
/// messages. Nothing it sends may wedge the pair or make the receiver hold without bound.
@Suite("Machines: hostile peers")
struct HostilePeerTests {
    func friends() -> MachineHarness { MachineHarness.twoFriends() }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A zero-based counter is an easy mistake for a client: its #0 must not be stored, or the
    /// cumulative ack sticks below it for good and the sender retries forever.
    @Test func chatWithSeqZeroIsRefusedAndDoesNotWedgeThePair() {
        let h = friends()
        h.inject(from: "alice", to: "bob", .chat(seq: 0, body: bytes("zero")))
        h.inject(from: "alice", to: "bob", .skip(seq: 0))
        #expect(h.delivered("bob") == [])
        #expect(h.conversation("bob", with: "alice", outgoing: false) == [])
        #expect(h.sent(.chatAck, from: "bob", to: "alice") == [.chatAck(upTo: 0), .chatAck(upTo: 0)])
        #expect(h.events("bob").contains(.refused("refused alice#0: sequence numbers start at 1")))

        for text in ["one", "two"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        #expect(h.delivered("bob") == ["alice#1 one", "alice#2 two"])
        #expect(h.sent(.chatAck, from: "bob", to: "alice").last == .chatAck(upTo: 2))
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 2)
        // After a restart bob still says he holds both.
        h.clearRecords()
        #expect(h.run("bob", .logout) == .done)
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.sent(.hello, from: "bob", to: "alice").first == .hello(endpoint: "inproc://bob", ack: 2, sent: 0, isReply: false))
        // alice has nothing left to retry.
        h.clearRecords()
        h.advance(by: 5_000)
        #expect(h.sent(.chat, from: "alice", to: "bob") == [])
    }

    /// A seq far ahead of the next expected one is refused, not held: the receiver's memory
    /// does not grow with what a sender chooses to send.
    @Test func earlyMessagesBeyondTheHoldBackWindowAreRefused() {
        let h = friends()
        for seq in UInt64(2)...600 { h.inject(from: "alice", to: "bob", .chat(seq: seq, body: bytes("m\(seq)"))) }
        h.inject(from: "alice", to: "bob", .chat(seq: .max, body: bytes("far")))
        #expect(h.events("bob").contains(.refused("refused alice#258: beyond the hold-back window (expecting #1)")))
        #expect(h.events("bob").contains(.refused("refused alice#18446744073709551615: beyond the hold-back window (expecting #1)")))
        #expect(h.sent(.chatAck, from: "bob", to: "alice").allSatisfy { $0 == .chatAck(upTo: 0) })

        h.inject(from: "alice", to: "bob", .chat(seq: 1, body: bytes("m1")))
        // Only what the window held (#2...#257) follows #1; the rest was never kept.
        #expect(h.delivered("bob").count == 257)
        #expect(h.delivered("bob").last == "alice#257 m257")
        #expect(h.sent(.chatAck, from: "bob", to: "alice").last == .chatAck(upTo: 257))
    }

    /// Within the window, the bodies held for one sender are bounded too (4 MiB).
    @Test func earlyMessagesBeyondTheHeldBytesAreRefused() {
        let h = friends()
        let big = [UInt8](repeating: 0x61, count: WireCodec.maxBodySize)
        for seq in UInt64(2)...101 { h.inject(from: "alice", to: "bob", .chat(seq: seq, body: big)) }
        #expect(h.events("bob").contains(.refused("refused alice#66: the hold-back buffer is full (expecting #1)")))
        h.inject(from: "alice", to: "bob", .chat(seq: 1, body: big))
        // 64 bodies of 64 KiB fill the 4 MiB: #2...#65 were held.
        #expect(h.delivered("bob").count == 65)
        #expect(h.sent(.chatAck, from: "bob", to: "alice").last == .chatAck(upTo: 65))
    }

    /// An honest sender loses nothing to the window: what was refused goes out again at the
    /// next retry (within two retry intervals: the wait starts at the tick that first finds
    /// them unconfirmed, protocol.md 6.4) and arrives once, in order.
    @Test func anHonestSenderGetsEverythingThroughPastTheWindow() {
        let h = friends()
        h.holding = true
        for i in 1...400 { #expect(h.run("alice", .send(to: "bob", text: "m\(i)")) == .done) }
        #expect(h.lose { if case .chat(1, _, _) = $0.message { true } else { false } })
        h.holding = false
        h.settle()
        #expect(h.delivered("bob") == [])
        h.advance(by: 2_000)
        #expect(h.delivered("bob") == (1...400).map { "alice#\($0) m\($0)" })
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 400)
    }
}

/// Restored history is authentic: a friend's HISTORY gives back only what carries our proof.
extension HostilePeerTests {
    func wrote(_ h: MachineHarness, _ peer: String, to other: String, _ text: String) -> Bool {
        h.disks[peer]?.conversations[other]?.sent.contains { $0.text == text } ?? false
    }

    /// With no wipe at all, bob hands alice "her" message #2.
    @Test func aFriendsHistoryCannotPutWordsInYourMouth() {
        let h = friends()
        #expect(h.run("alice", .send(to: "bob", text: "a1")) == .done)
        h.inject(from: "bob", to: "alice", .history(first: 2, items: [HistoryItem(group: nil, body: bytes("forged"))]))
        h.inject(from: "bob", to: "alice", .history(first: 2, items: [HistoryItem(group: nil, body: bytes("forged"), proof: [1, 2, 3, 4, 5, 6, 7, 8])]))
        h.inject(from: "bob", to: "alice", .history(first: .max, items: [HistoryItem(group: nil, body: bytes("x")), HistoryItem(group: nil, body: bytes("y"))]))
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 a1"])
        #expect(h.events("alice").contains(.refused("refused bob's HISTORY #2...#2: not proven ours")))
        #expect(h.run("alice", .send(to: "bob", text: "a2")) == .done)
        h.advance(by: 3_000)
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 a1", "#2 a2"])
        #expect(h.chats(from: "alice", to: "bob") == ["#1 a1", "#2 a2"])
        #expect(h.delivered("bob") == ["alice#1 a1", "alice#2 a2"])
    }

    /// After a wipe alice does take back from bob what she sent while the registry was down,
    /// because it carries her proof; a made-up message does not, even at a seq she lacks.
    @Test func aRestoredPeerTakesBackOnlyWhatItsProofCovers() {
        let h = friends()
        #expect(h.run("alice", .send(to: "bob", text: "a1")) == .done)
        h.crashRegistry()
        #expect(h.run("alice", .send(to: "bob", text: "unbacked")) == .done)
        #expect(h.delivered("bob") == ["alice#1 a1", "alice#2 unbacked"])
        let held = h.disks["bob"]?.conversations["alice"]?.received.map(\.proof) ?? []
        #expect(held.count == 2 && held.allSatisfy { !$0.isEmpty }, "bob keeps alice's proofs")
        h.restartRegistry()
        #expect(h.run("alice", .logout) == .done)
        h.wipe("alice")

        // bob's lie about #2 arrives before the honest HISTORY: alice keeps the seq (bob holds
        // something there), never the text.
        h.partition("alice", "bob")
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        h.inject(from: "bob", to: "alice", .history(first: 2, items: [HistoryItem(group: nil, body: bytes("forged"))]))
        #expect(!wrote(h, "alice", to: "bob", "forged"))
        #expect(h.events("alice").contains(.refused("refused bob's HISTORY #2...#2: not proven ours")))

        // Then the honest one: bob gives back #2 with alice's proof, and she takes it.
        h.heal()
        h.advance(by: 3_000)
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 a1", "#2 unbacked"])
        #expect(h.run("alice", .send(to: "bob", text: "a3")) == .done)
        #expect(h.delivered("bob").last == "alice#3 a3")
        #expect(!wrote(h, "alice", to: "bob", "forged"))
    }
}

extension HostilePeerTests {
    /// A seq used again with another body is answered with HISTORY, between friends too; a
    /// long conversation goes back in frames of bounded size, never one huge frame.
    @Test func aReusedSeqIsAnsweredWithHistoryInBoundedFrames() {
        let h = friends()
        for i in 1...600 { #expect(h.run("alice", .send(to: "bob", text: "m\(i)")) == .done) }
        h.clearRecords()
        h.inject(from: "alice", to: "bob", .chat(seq: 1, body: bytes("another m1")))
        #expect(h.conversation("bob", with: "alice", outgoing: false).first == "#1 m1")
        let frames = h.sent(.history, from: "bob", to: "alice").compactMap { if case let .history(first, items) = $0 { (first, items.count) } else { nil } }
        #expect(frames.map(\.0) == [1, 257, 513])
        #expect(frames.map(\.1) == [256, 256, 88])
        #expect(h.events("bob").contains(.note("alice used #1 again for another message: giving back what we hold")))
    }
}
