import ConfChatCore
import Testing

/// A sender's retries of unconfirmed messages back off while they bring no acknowledgement,
/// from 1 s to 2 s (protocol.md 6.4). Sent again every second whatever the answer, 1,000 peers on two cores
/// buried their registry and each other in copies (`bench --hosts 3 --peers 1000`:
/// performance.md, "Across hosts"); a lost message must still go again soon.
@Suite("Machines: retries back off")
struct RetryBackoffTests {
    /// Every message of `kind` from `from` to `to` is lost from now on.
    func loseAll(_ h: MachineHarness, _ kind: MessageKind, from: String, to: String) {
        h.toLose = Array(repeating: { $0.message.kind == kind && $0.from == from && $0.to == to }, count: 10_000)
    }

    @Test func anOnlineFriendWhoseAcknowledgementsAreLostGetsACopyEveryTwoSeconds() {
        let h = MachineHarness.twoFriends()
        loseAll(h, .chatAck, from: "bob", to: "alice")
        #expect(h.run("alice", .send(to: "bob", text: "hi")) == .done)
        h.advance(by: 60_000)
        #expect(h.presence("alice") == [], "bob's heartbeats keep him online for alice")
        #expect(h.delivered("bob") == ["alice#1 hi"])
        // Once, then a retry interval after the timer first found it unconfirmed, and every
        // 2 s from there (`RetryBackoff.maxFactor`): 31 copies in a minute, not 61.
        #expect(h.chats(from: "alice", to: "bob").count == 31)
    }

    @Test func aRegistryThatDoesNotAcknowledgeDepositsGetsACopyEveryTwoSeconds() {
        let h = MachineHarness.twoFriends()
        #expect(h.run("bob", .logout) == .done)
        h.clearRecords()
        loseAll(h, .depositAck, from: "registry", to: "alice")
        #expect(h.run("alice", .send(to: "bob", text: "hi")) == .done)
        h.advance(by: 60_000)
        #expect(h.sent(.deposit, from: "alice", to: "registry").count == 31)
        // Each deposit again takes its backup entry along (6.4): as few of those.
        #expect(h.sent(.backup, from: "alice", to: "registry").count == 31)
        #expect(h.registryDisk.mailbox["bob"]?.count == 1)
    }

    /// A message on its way, or its acknowledgement, is not sent again at the retry timer's next
    /// tick: a retry goes only after a whole retry interval without an acknowledgement, counted
    /// from the tick that first found it unconfirmed, and from each acknowledgement since.
    @Test func aMessageOnItsWayIsNotSentAgainAtTheNextTick() {
        // Long enough a presence time-out that bob, whose heartbeats are held too, still
        // looks online at the retry.
        let h = MachineHarness.twoFriends(presenceTimeout: 10_000)
        h.holding = true
        for i in 1...3 { _ = h.start("alice", .send(to: "bob", text: "m\(i)")) }
        h.advance(by: h.config.retryInterval)
        #expect(h.chats(from: "alice", to: "bob") == ["#1 m1", "#2 m2", "#3 m3"])
        // bob's answer to #1 arrives: a whole interval from there again before a retry.
        #expect(h.deliverFirst { $0.message.kind == .chat && $0.to == "bob" })
        #expect(h.deliverFirst { $0.message.kind == .chatAck && $0.to == "alice" })
        h.advance(by: h.config.retryInterval)
        #expect(h.chats(from: "alice", to: "bob").count == 3)
        // Then #2, the first unconfirmed: after a whole first wait from the acknowledgement,
        // 1.5 round trips here (#1 was answered a retry interval after it went: `RoundTrip`),
        // which the retry timer's next tick after that finds.
        h.advance(by: 3 * h.config.retryInterval)
        #expect(h.chats(from: "alice", to: "bob") == ["#1 m1", "#2 m2", "#3 m3", "#2 m2"], "then #2, the first unconfirmed")
        h.holding = false
        h.settle()
        #expect(h.delivered("bob") == ["alice#1 m1", "alice#2 m2", "alice#3 m3"])
    }

    /// Backing off never makes a lost message wait long once the friend confirms again: the
    /// next unconfirmed message is retried one retry interval after the timer first finds it
    /// unconfirmed (so within two).
    @Test func retriesStartAgainFromTheIntervalOnceEverythingIsConfirmed() {
        let h = MachineHarness.twoFriends()
        loseAll(h, .chatAck, from: "bob", to: "alice")
        #expect(h.run("alice", .send(to: "bob", text: "one")) == .done)
        h.advance(by: 30_000)
        h.toLose = []
        h.advance(by: 10_000)
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 1)
        h.toLose = [{ $0.message.kind == .chat && $0.from == "alice" }]
        #expect(h.run("alice", .send(to: "bob", text: "two")) == .done)
        #expect(h.delivered("bob") == ["alice#1 one"])
        h.advance(by: 2 * h.config.retryInterval)
        #expect(h.delivered("bob") == ["alice#1 one", "alice#2 two"])
    }
}

/// A retry to a friend sends only its first unconfirmed message, as tcp retransmits its first
/// unacknowledged segment, and the rest once that one is confirmed (protocol.md 6.4). Each
/// retry sent every unconfirmed message again: 114,399 copies of 20,000 messages in `bench
/// --hosts 3 --peers 1000` (performance.md, "Across hosts").
@Suite("Machines: a retry sends the first unconfirmed message")
struct RetransmitTests {
    @Test func aFriendWhoseAcknowledgementsAreLateGetsOneCopyAtARetryNotEveryMessage() {
        let h = MachineHarness.twoFriends()
        h.toLose = Array(repeating: { $0.message.kind == .chatAck && $0.from == "bob" }, count: 10_000)
        for i in 1...5 { #expect(h.run("alice", .send(to: "bob", text: "m\(i)")) == .done) }
        h.advance(by: 2 * h.config.retryInterval)
        #expect(h.chats(from: "alice", to: "bob") == ["#1 m1", "#2 m2", "#3 m3", "#4 m4", "#5 m5", "#1 m1"])
        h.toLose = []
        h.advance(by: 10_000)
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 5)
        #expect(h.delivered("bob") == ["alice#1 m1", "alice#2 m2", "alice#3 m3", "alice#4 m4", "alice#5 m5"])
        // bob's answer to the second copy of #1 confirmed all five: none of the rest went again.
        #expect(h.chats(from: "alice", to: "bob").count == 7)
    }

    @Test func theRestGoOnceTheFirstIsConfirmed() {
        let h = MachineHarness.twoFriends()
        h.toLose = Array(repeating: { $0.message.kind == .chat && $0.from == "alice" }, count: 3)
        for text in ["a", "b", "c"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        #expect(h.delivered("bob") == [])
        h.holding = true
        h.advance(by: 2 * h.config.retryInterval)
        #expect(h.chats(from: "alice", to: "bob") == ["#1 a", "#2 b", "#3 c", "#1 a"], "the retry: #1 alone")
        h.holding = false
        h.settle()
        // bob confirmed #1, and #2 and #3 went at once, not at the next retry.
        #expect(h.chats(from: "alice", to: "bob") == ["#1 a", "#2 b", "#3 c", "#1 a", "#2 b", "#3 c"])
        #expect(h.delivered("bob") == ["alice#1 a", "alice#2 b", "alice#3 c"])
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 3)
    }

    /// A friend heard from again after a silence (here a partition healed) gets the first
    /// unconfirmed message at once, and the rest once it confirms that one: 3,008 friends shown
    /// offline in a run of `bench --hosts 3 --peers 1000` each got every unconfirmed message
    /// again when it came back, mostly copies of what was merely late.
    @Test func aFriendHeardAgainGetsTheFirstUnconfirmedMessageThenTheRest() {
        let h = MachineHarness.twoFriends()
        h.partition("alice", "bob")
        h.advance(by: 2 * h.config.presenceTimeout)
        #expect(h.machine("alice").sees("bob") == false)
        // Not through the mailbox either, here: bob gets them only from alice.
        h.toLose = Array(repeating: { $0.message.kind == .deposit && $0.from == "alice" }, count: 1_000)
        for text in ["a", "b", "c"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        h.clearRecords()
        h.heal()
        h.holding = true
        let until = h.now + 20_000
        while h.chats(from: "alice", to: "bob").isEmpty, h.now < until {
            if !h.deliverFirst(where: { _ in true }) { h.advance(by: 100) }
        }
        #expect(h.chats(from: "alice", to: "bob") == ["#1 a"])
        h.holding = false
        h.settle()
        #expect(h.delivered("bob") == ["alice#1 a", "alice#2 b", "alice#3 c"])
        // #1 again for each HELLO of bob's (his probe, his answer to hers); #2 and #3 once.
        #expect(h.chats(from: "alice", to: "bob").filter { $0 != "#1 a" } == ["#2 b", "#3 c"])
    }
}
