import ConfChatStandalone
import Testing

@Suite("Standalone registry: requests per key")
struct RequestBudgetTests {
    @Test func aKeyGetsItsBurstThenItsRateAndOthersAreUntouched() {
        var b = RequestBudget()
        for _ in 0..<RequestBudget.burst { #expect(b.spend("mallory", nowMs: 0) == .take) }
        #expect(b.spend("mallory", nowMs: 0) == .drop(firstOfEpisode: true))
        #expect(b.spend("mallory", nowMs: 0) == .drop(firstOfEpisode: false))
        #expect(b.spend("alice", nowMs: 0) == .take)
        // One second later: `perSecond` more, then drops again, logged anew.
        for _ in 0..<RequestBudget.perSecond { #expect(b.spend("mallory", nowMs: 1_000) == .take) }
        #expect(b.spend("mallory", nowMs: 1_000) == .drop(firstOfEpisode: true))
    }

    @Test("several tokens at once: a BACKUPS costs its entries, and is dropped whole when they are not all there")
    func severalTokensAtOnce() {
        var b = RequestBudget()
        #expect(b.spend("mallory", tokens: RequestBudget.burst - 10, nowMs: 0) == .take)
        #expect(b.spend("mallory", tokens: 11, nowMs: 0) == .drop(firstOfEpisode: true), "10 left: not 11")
        #expect(b.spend("mallory", tokens: 10, nowMs: 0) == .take)
        #expect(b.spend("mallory", nowMs: 0) == .drop(firstOfEpisode: true))
    }
}
