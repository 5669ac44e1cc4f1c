/// When a peer next sends a contact's unconfirmed messages again (protocol.md 6.4).
///
/// The wait starts when the retry timer first finds the contact's messages unconfirmed (they
/// may have left a moment before), and starts again whenever the contact confirms more (it is
/// getting through them: tcp restarts its retransmission timer at each new acknowledgement).
/// So a retry goes only after a whole wait without any acknowledgement: at 1,000 peers on two
/// cores an answer takes more than a second, and a retry at each tick of the timer sent copies
/// of messages that were merely on their way (`bench --hosts 3 --peers 300`: 10,797 copies of
/// 6,000 messages with no friend ever offline). A retry doubles the wait before the next one,
/// from the retry interval up to `maxFactor` times it. The
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

    private struct Wait: Sendable {
        /// What the contact had confirmed at the last retry.
        var acked: UInt64
        var wait: Int64
        var next: SimInstant
    }

    private var waits: [String: Wait] = [:]

    /// Whether the retry timer at `now` sends `contact`'s unconfirmed messages again, `acked`
    /// being what it has confirmed so far; noted as done if so.
    mutating func due(_ contact: String, acked: UInt64, now: SimInstant, interval: Int64) -> Bool {
        guard var w = waits[contact] else {
            waits[contact] = Wait(acked: acked, wait: interval, next: now + interval)
            return false
        }
        if acked != w.acked {
            w.acked = acked
            w.next = now + w.wait
            waits[contact] = w
            return false
        }
        guard now >= w.next else { return false }
        w.wait = min(w.wait * 2, interval * Self.maxFactor)
        w.next = now + w.wait
        waits[contact] = w
        return true
    }

    /// Retries to `contact` start again from the retry interval.
    mutating func reset(_ contact: String) { waits[contact] = nil }

    /// Retries to every contact start again from the retry interval.
    mutating func resetAll() { waits = [:] }
}
