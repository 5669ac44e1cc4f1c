import ConfChatCore
import Testing

/// A retry deposits again only the first deposit still awaiting the registry's
/// acknowledgement, and the rest once that one is acknowledged (protocol.md 6.4), as a retry to
/// a friend sends only its first unconfirmed message. Each retry deposited every one again,
/// sealed anew and with its backup entry: in `bench --hosts 3 --peers 1000` on two cores, 148,737
/// deposits and as many backups met a full line to a registry that was behind
/// (performance.md, "Across hosts").
@Suite("Machines: a retry deposits the first awaited deposit")
struct RedepositTests {
    /// The seqs of the DEPOSITs `from` sent to the registry, in order.
    func deposits(_ h: MachineHarness, from: String) -> [UInt64] {
        h.sent(.deposit, from: from, to: "registry").compactMap {
            if case let .deposit(_, seq, _, _) = $0 { seq } else { nil }
        }
    }

    @Test func aRegistryThatDoesNotAnswerGetsOneDepositAgainAtARetryNotEveryMessage() {
        let h = MachineHarness.twoFriends()
        #expect(h.run("bob", .logout) == .done)
        h.clearRecords()
        h.toLose = Array(repeating: { $0.message.kind == .depositAck && $0.to == "alice" }, count: 10_000)
        for i in 1...5 { #expect(h.run("alice", .send(to: "bob", text: "m\(i)")) == .done) }
        h.advance(by: 60_000)
        let sent = deposits(h, from: "alice")
        #expect(Array(sent.prefix(5)) == [1, 2, 3, 4, 5])
        // Then #1 alone at each retry: 30 in the minute (every 2 s), not 150.
        #expect(sent.dropFirst(5).allSatisfy { $0 == 1 })
        #expect(sent.count == 5 + 30)
        #expect(h.sent(.backup, from: "alice", to: "registry").count == 5 + 30, "a backup entry as each is stored, and one with each deposit again")
        h.toLose = []
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        h.advance(by: 10_000)
        #expect(h.delivered("bob") == (1...5).map { "alice#\($0) m\($0)" })
    }

    @Test func theOthersGoOnceTheFirstIsAcknowledged() {
        let h = MachineHarness.twoFriends()
        #expect(h.run("bob", .logout) == .done)
        h.clearRecords()
        h.toLose = Array(repeating: { $0.message.kind == .deposit && $0.from == "alice" }, count: 3)
        for text in ["a", "b", "c"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        #expect(h.registryDisk.mailbox["bob"] == nil)
        h.holding = true
        h.advance(by: 2 * h.config.retryInterval)
        #expect(deposits(h, from: "alice") == [1, 2, 3, 1], "the retry: #1 alone")
        h.holding = false
        h.settle()
        // The registry acknowledged #1, and #2 and #3 went at once, not at the next retry.
        #expect(deposits(h, from: "alice") == [1, 2, 3, 1, 2, 3])
        #expect(h.registryDisk.mailbox["bob"]?.count == 3)
        h.advance(by: 10_000)
        #expect(deposits(h, from: "alice").count == 6, "nothing more once the registry holds them")
    }
}
