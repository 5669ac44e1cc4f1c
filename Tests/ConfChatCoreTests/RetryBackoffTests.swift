import ConfChatCore
import Testing

/// A sender's retries of unconfirmed messages back off while they bring no acknowledgement
/// (protocol.md 6.4). Sent again every second whatever the answer, 1,000 peers on two cores
/// buried their registry and each other in copies (`bench --hosts 3 --peers 1000`:
/// performance.md, "Across hosts"); a lost message must still go again soon.
@Suite("Machines: retries back off")
struct RetryBackoffTests {
    /// Every message of `kind` from `from` to `to` is lost from now on.
    func loseAll(_ h: MachineHarness, _ kind: MessageKind, from: String, to: String) {
        h.toLose = Array(repeating: { $0.message.kind == kind && $0.from == from && $0.to == to }, count: 10_000)
    }

    @Test func anOnlineFriendWhoseAcknowledgementsAreLostGetsFewerAndFewerCopies() {
        let h = MachineHarness.twoFriends()
        loseAll(h, .chatAck, from: "bob", to: "alice")
        #expect(h.run("alice", .send(to: "bob", text: "hi")) == .done)
        h.advance(by: 60_000)
        #expect(h.presence("alice") == [], "bob's heartbeats keep him online for alice")
        #expect(h.delivered("bob") == ["alice#1 hi"])
        // Once, then at the first retry, 1, 2, 4 and 8 s after it and every 8 s from there:
        // 11 copies in a minute, not 61.
        #expect(h.chats(from: "alice", to: "bob").count == 11)
    }

    @Test func aRegistryThatDoesNotAcknowledgeDepositsGetsFewerAndFewerCopies() {
        let h = MachineHarness.twoFriends()
        #expect(h.run("bob", .logout) == .done)
        h.clearRecords()
        loseAll(h, .depositAck, from: "registry", to: "alice")
        #expect(h.run("alice", .send(to: "bob", text: "hi")) == .done)
        h.advance(by: 60_000)
        #expect(h.sent(.deposit, from: "alice", to: "registry").count == 11)
        // Each deposit again takes its backup entry along (6.4): as few of those.
        #expect(h.sent(.backup, from: "alice", to: "registry").count == 11)
        #expect(h.registryDisk.mailbox["bob"]?.count == 1)
    }

    /// Backing off never makes a lost message wait long once the friend confirms again: the
    /// next unconfirmed message is retried after one retry interval.
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
        h.advance(by: h.config.retryInterval)
        #expect(h.delivered("bob") == ["alice#1 one", "alice#2 two"])
    }
}
