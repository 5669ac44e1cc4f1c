import ConfChatCore
import Testing

/// A contact that keeps asking for its history back (a seq reused with another body, a HELLO
/// with a low `sent`) is answered within a budget: one copy of what we hold from it and
/// 1 MiB a minute. A restored peer still gets everything back.
@Suite("Machines: HISTORY budget")
struct HistoryBudgetTests {
    /// 40 messages of about 32 KiB: 1.3 MB, more than the budget's 1 MiB beyond one copy.
    static let texts = (1...40).map { "m\($0) " + String(repeating: "x", count: 32_000) }

    /// The octets of HISTORY `from` sent `to` since the records were last cleared, as the
    /// budget counts them, and the items.
    func given(_ h: MachineHarness, from: String, to: String) -> (octets: Int, items: [HistoryItem]) {
        let items = h.sent(.history, from: from, to: to).flatMap { m -> [HistoryItem] in
            if case let .history(_, items) = m { items } else { [] }
        }
        return (items.map(HistoryBudget.cost).reduce(0, +), items)
    }

    /// 50 CHATs of a few octets reusing seq 1 made bob queue 50 copies of all he holds from
    /// alice (65 MB here); now the first is answered in full, the rest only while the
    /// minute's budget lasts, and a minute later she is answered in full again.
    @Test func reusedSeqsAreAnsweredWithinTheBudgetOfTheMinute() {
        let h = MachineHarness.twoFriends()
        for text in Self.texts { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        h.clearRecords()
        h.inject(from: "alice", to: "bob", .chat(seq: 1, body: Array("another #1".utf8)))
        let first = given(h, from: "bob", to: "alice")
        #expect(first.items.map { String(decoding: $0.body, as: UTF8.self) } == Self.texts, "the first answer gives everything")
        for i in 2...50 { h.inject(from: "alice", to: "bob", .chat(seq: 1, body: Array("another #1, \(i)".utf8))) }
        let all = given(h, from: "bob", to: "alice")
        #expect(all.octets <= first.octets + HistoryBudget.extraOctets)
        #expect(all.octets > first.octets, "the 1 MiB beyond one copy is given too")
        #expect(h.events("bob").contains(.note("HISTORY to alice stops before #1: its budget of the minute is spent (what we hold from it and 1 MiB)")))
        // The next minute, the next request is answered in full again.
        h.advance(by: HistoryBudget.windowMs)
        h.clearRecords()
        h.inject(from: "alice", to: "bob", .chat(seq: 1, body: Array("another #1, again".utf8)))
        #expect(given(h, from: "bob", to: "alice").items.count == Self.texts.count)
    }

    /// A HELLO with a low `sent` asks for the same: repeated, it is bounded the same way.
    @Test func repeatedLowHellosAreAnsweredWithinTheBudget() {
        let h = MachineHarness.twoFriends()
        for text in Self.texts { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        h.clearRecords()
        for _ in 1...50 { h.inject(from: "alice", to: "bob", .hello(endpoint: "inproc://alice", ack: 0, sent: 0, isReply: true)) }
        let all = given(h, from: "bob", to: "alice")
        #expect(all.items.count >= Self.texts.count)
        let oneCopy = all.items.prefix(Self.texts.count).map(HistoryBudget.cost).reduce(0, +)
        #expect(all.octets <= oneCopy + HistoryBudget.extraOctets)
    }

    /// A wiped peer whose backup missed 1.3 MB of what it sent gets all of it back from its
    /// friend: the budget is one copy and more, never less.
    @Test func aRestoredPeerGetsEverythingBack() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        h.crashRegistry()
        for text in Self.texts { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }  // the BACKUPs are lost
        h.wipe("alice")
        h.restartRegistry()
        h.advance(by: h.config.registryPingInterval)
        h.clearRecords()
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.conversation("alice", with: "bob", outgoing: true) == Self.texts.enumerated().map { "#\($0.offset + 1) \($0.element)" })
        #expect(!h.events("bob").contains { if case let .note(text) = $0 { text.hasPrefix("HISTORY to") } else { false } })
    }
}
