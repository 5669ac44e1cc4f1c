/// How many messages each client key may send the standalone registry: a token bucket per key.
///
/// A key starts with `burst` messages and earns `perSecond` more each second, up to `burst`;
/// a message with no token left is dropped unanswered (an honest peer retries what matters).
/// This keeps one flooding key from filling the registry's loop and its send queues, while an
/// honest peer, even one catching up on thousands of backups, stays well inside it. It lives
/// in the shell, next to libzmq's own high-water marks: the simulator, whose clock stands
/// still while a thousand messages settle, has no use for it.
public struct RequestBudget {
    public static let burst = 10_000
    public static let perSecond = 1_000
    /// Keys remembered at most; a full (idle) bucket is forgotten first, as it holds nothing.
    public static let keys = 10_000

    private struct Bucket {
        var tokens: Double
        var at: Int64
        var overSince: Int64?
    }

    private var buckets: [String: Bucket] = [:]

    public init() {}

    public enum Verdict: Equatable {
        case take
        /// Dropped; `firstOfEpisode` says whether to log it (once per run of drops).
        case drop(firstOfEpisode: Bool)
    }

    /// Spends `tokens` of `key` at `nowMs` (monotonic milliseconds): one a message, and a
    /// BACKUPS one more for each entry after its first, so that several entries in one frame
    /// cost what they would as BACKUPs of their own (each may make a note in the log).
    public mutating func spend(_ key: String, tokens: Int = 1, nowMs: Int64) -> Verdict {
        var b = buckets[key] ?? Bucket(tokens: Double(Self.burst), at: nowMs)
        b.tokens = min(Double(Self.burst), b.tokens + Double(nowMs - b.at) * Double(Self.perSecond) / 1000)
        b.at = nowMs
        let verdict: Verdict
        if b.tokens >= Double(tokens) {
            b.tokens -= Double(tokens)
            b.overSince = nil
            verdict = .take
        } else {
            verdict = .drop(firstOfEpisode: b.overSince == nil)
            if b.overSince == nil { b.overSince = nowMs }
        }
        if buckets[key] == nil, buckets.count >= Self.keys { forgetIdle(nowMs) }
        buckets[key] = b
        return verdict
    }

    private mutating func forgetIdle(_ nowMs: Int64) {
        buckets = buckets.filter { $0.value.tokens + Double(nowMs - $0.value.at) * Double(Self.perSecond) / 1000 < Double(Self.burst) }
    }
}
