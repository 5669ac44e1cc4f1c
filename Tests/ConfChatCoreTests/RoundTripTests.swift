import ConfChatCore
import Testing

/// Retries wait longer for a friend whose acknowledgements are known to take long, and no
/// longer on a link that loses messages (protocol.md 6.4, `RoundTrip`). With waits of at most
/// 2 s, a receiver 3 s behind got a copy of nearly every first unconfirmed message, and the
/// copies kept it behind (`bench --hosts 3 --peers 1000`, performance.md "Across hosts").
@Suite("Machines: retries learn how long a friend takes to answer")
struct RoundTripTests {
    /// alice sends `count` messages to bob, one every 200 ms, while bob's acknowledgements
    /// take `ackDelay` ms to reach her (everything else arrives at once); then everything
    /// settles. Returns how many CHATs alice sent for them.
    func burst(_ h: MachineHarness, count: Int, from first: Int, ackDelay: Int64) -> Int {
        let before = h.chats(from: "alice", to: "bob").count
        h.run(for: Int64(count) * 200 + 4 * ackDelay + 10_000,
              delaying: { $0.message.kind == .chatAck && $0.from == "bob" && $0.to == "alice" }, by: ackDelay,
              step: 200) { n in
            if n < count { _ = h.start("alice", .send(to: "bob", text: "m\(first + n)")) }
        }
        return h.chats(from: "alice", to: "bob").count - before
    }

    @Test func aFriendThatAnswersLateIsSentFewerCopiesOnceItsRoundTripIsKnown() {
        let h = MachineHarness.twoFriends(presenceTimeout: 10_000)
        // The first burst teaches alice that bob answers 3 s late: copies go while she does not
        // know it yet.
        let first = burst(h, count: 20, from: 1, ackDelay: 3_000)
        #expect(first > 20, "alice did not know yet: the first unconfirmed went again")
        #expect(h.delivered("bob").count == 20)
        // The second: she waits 1.5 round trips before a retry, and bob's answers come first.
        let second = burst(h, count: 20, from: 21, ackDelay: 3_000)
        #expect(second == 20, "no copy once the round trip is known")
        #expect(h.delivered("bob") == (1...40).map { "alice#\($0) m\($0)" })
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 40)
    }

    @Test func aFriendThatAnswersAtOnceIsRetriedAfterTheRetryInterval() {
        let h = MachineHarness.twoFriends(presenceTimeout: 10_000)
        #expect(burst(h, count: 20, from: 1, ackDelay: 0) == 20)
        // Its next message lost: it goes again within the retry interval and a tick, as before.
        h.toLose = [{ $0.message.kind == .chat && $0.from == "alice" }]
        #expect(h.run("alice", .send(to: "bob", text: "lost")) == .done)
        h.advance(by: 2 * h.config.retryInterval)
        #expect(h.delivered("bob").last == "alice#21 lost")
        #expect(h.chats(from: "alice", to: "bob").count == 22)
    }
}

