import ConfChatCore
import Testing

/// What a buggy or hostile friend can send a peer: odd sequence numbers and floods of early
/// messages. Nothing it sends may wedge the pair or make the receiver hold without bound.
@Suite("Machines: hostile peers")
struct HostilePeerTests {
    /// alice and bob, registered, logged in and friends.
    func friends() -> MachineHarness {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        h.clearRecords()
        return h
    }

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
    /// next retry and arrives once, in order.
    @Test func anHonestSenderGetsEverythingThroughPastTheWindow() {
        let h = friends()
        h.holding = true
        for i in 1...400 { #expect(h.run("alice", .send(to: "bob", text: "m\(i)")) == .done) }
        #expect(h.lose { if case .chat(1, _) = $0.message { true } else { false } })
        h.holding = false
        h.settle()
        #expect(h.delivered("bob") == [])
        h.advance(by: 1_000)
        #expect(h.delivered("bob") == (1...400).map { "alice#\($0) m\($0)" })
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 400)
    }
}
