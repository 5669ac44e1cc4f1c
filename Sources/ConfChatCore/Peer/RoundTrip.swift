/// How long a contact takes to confirm a message sent to it once, learnt from its
/// acknowledgements (protocol.md 6.4), so that retries wait for a receiver that is behind
/// without waiting longer on a link that loses messages.
///
/// Silence alone cannot tell a lost message from a late one, and the two want opposite
/// retries: over a lossy link every copy is another chance (messages over a link losing 30 %
/// each way took more than 30 s now and then with waits up to 8 s), while to a receiver that is
/// behind every copy is more it must read before it can answer (1,000 peers on two cores,
/// `bench --hosts 3 --peers 1000`: answers took 3 s and more, a retry at most every 2 s sent a
/// copy of nearly every first unconfirmed message, and the copies kept them behind). What
/// does tell them apart is the time an answer takes: on a lossy link a message that gets
/// through is answered as fast as ever. So one message at a time is timed from its send to
/// the acknowledgement that covers it, as tcp times its segments, and a message sent again is
/// not timed (Karn's rule: which copy was answered is unknown). The smoothed round trip
/// (each new time weighs an eighth, as tcp's) sets the first wait before a retry: 1.5 round
/// trips where that is longer than the retry interval.
///
/// In the session (memory), by contact number; time is the machine's `now`.
struct RoundTrip: Sendable {
    /// The message being timed, and when it went.
    private var timed: (seq: UInt64, at: SimInstant)?
    /// The smoothed round trip in milliseconds, once one message was timed.
    private(set) var smoothed: Int64?

    /// Message `seq` went directly at `now`: timed, unless another is.
    mutating func sent(_ seq: UInt64, at now: SimInstant) {
        if timed == nil { timed = (seq, now) }
    }

    /// A message to the contact went again (a retry, a deposit): the one timed is not timed
    /// any longer; the next sent is.
    mutating func sentAgain() { timed = nil }

    /// The contact confirmed everything up to `upTo` at `now`.
    mutating func acknowledged(upTo: UInt64, at now: SimInstant) {
        guard let t = timed, upTo >= t.seq else { return }
        timed = nil
        let sample = now - t.at
        smoothed = smoothed.map { $0 + (sample - $0) / 8 } ?? sample
    }

    /// The first wait before a retry, for retry interval `interval`.
    func firstWait(_ interval: Int64) -> Int64 { max(interval, (smoothed ?? 0) * 3 / 2) }
}
