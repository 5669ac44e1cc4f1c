/// When a peer next sends a contact's unconfirmed messages again (protocol.md 6.4).
///
/// The wait starts when the retry timer first finds the contact's messages unconfirmed (they
/// may have left a moment before), and starts again whenever the contact confirms more (it is
/// getting through them: tcp restarts its retransmission timer at each new acknowledgement).
/// So a retry goes only after a whole wait without any acknowledgement: at 1,000 peers on two
/// cores an answer takes more than a second, and a retry at each tick of the timer sent copies
/// of messages that were merely on their way (`bench --hosts 3 --peers 300`: 10,797 copies of
/// 6,000 messages with no friend ever offline). A retry doubles the wait before the next one,
/// from the first wait up to `maxFactor` times the retry interval, or twice the first wait
/// where that is longer (at most `maxLateFactor` times the interval). The first wait is the
/// retry interval, or longer for a contact whose acknowledgements are known to take long
/// (`RoundTrip`). The
/// copies a retry sends are not lost but late, as often as not: a receiver, a registry or a
/// link that is behind holds them in its queues, and a sender that sends everything again
/// every second, whatever the answer, only adds to what the slow side must get through
/// before it can answer (1,000 peers on two cores: every peer sent each unconfirmed message
/// some sixty times in a minute and most arrived nowhere). Back to the retry interval once
/// the contact has confirmed everything, comes online again, or the peer logs in again.
///
/// In the session (memory) only; time is the machine's `now`, so a run is the same every time.
struct RetryBackoff: Sendable {
    /// The longest wait, in retry intervals: 2 (2 s for a peer's 1 s). A retry waits for a
    /// whole wait without an acknowledgement, and sends one message, which is what keeps a
    /// slow receiver from being buried; a longer wait bought little more there and cost a
    /// lossy link dearly: at 30 % loss each way a copy and its acknowledgement get through
    /// one time in two, and with waits up to 8 s three messages took more than 30 s about one
    /// run in thirty (`scenarios/network/loss.scenario` with other seeds).
    static let maxFactor: Int64 = 2
    /// The longest wait for a contact whose acknowledgements take long, in retry intervals:
    /// 8 (8 s for a peer's 1 s). With a round trip of 3 s, waits of at most 2 s sent a copy of
    /// nearly every first unconfirmed message (`bench --hosts 3 --peers 1000`); a contact that
    /// answers within 0.67 s keeps to `maxFactor`.
    static let maxLateFactor: Int64 = 8

    private struct Wait: Sendable {
        /// What the contact had confirmed at the last retry.
        var acked: UInt64
        var wait: Int64
        var next: SimInstant
    }

    private var waits: [String: Wait] = [:]

    /// Whether the retry timer at `now` sends `contact`'s unconfirmed messages again, `acked`
    /// being what it has confirmed so far; noted as done if so. `firstWait`: the retry
    /// interval, or longer for a contact slow to answer (`RoundTrip.firstWait`).
    mutating func due(_ contact: String, acked: UInt64, now: SimInstant, interval: Int64, firstWait: Int64? = nil) -> Bool {
        let first = firstWait ?? interval
        guard var w = waits[contact] else {
            waits[contact] = Wait(acked: acked, wait: first, next: now + first)
            return false
        }
        if acked != w.acked {
            w.acked = acked
            w.wait = max(w.wait, first)
            w.next = now + w.wait
            waits[contact] = w
            return false
        }
        guard now >= w.next else { return false }
        let longest = min(max(interval * Self.maxFactor, first * 2), interval * Self.maxLateFactor)
        w.wait = min(max(w.wait * 2, first), longest)
        w.next = now + w.wait
        waits[contact] = w
        return true
    }

    /// Retries to `contact` start again from the retry interval.
    mutating func reset(_ contact: String) { waits[contact] = nil }

    /// Retries to every contact start again from the retry interval.
    mutating func resetAll() { waits = [:] }
}
