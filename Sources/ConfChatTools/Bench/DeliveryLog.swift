import ConfChatCore
import Histogram

/// What the bench sees of deliveries: each `delivered` event a recipient reports (the
/// message is stored at the recipient by then), its latency since the `send`, and the log
/// the verifier checks.
final class DeliveryLog {
    private let index: [String: Int32]
    /// Wall-clock time each message was sent, by message id.
    var sentAt: [UInt64]
    /// The simulator thread's CPU time when each message was sent, by message id: only under
    /// light load (`cpuLatency`), empty otherwise.
    var cpuSentAt: [UInt64]
    private(set) var deliveries: [DeliveryVerifier.Delivery] = []
    private(set) var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    /// Under light load, the CPU time the simulator's thread spent from each send to its
    /// delivery: the engine's own share of `latency`, without the time the thread waited for
    /// a core (on a shared machine, most of the tail). Nil otherwise.
    private(set) var cpuLatency: Histogram<UInt64>?

    init(names: [String], messages: Int, expectedDeliveries: Int, cpu: Bool = false) {
        var index: [String: Int32] = [:]
        index.reserveCapacity(names.count)
        for (i, n) in names.enumerated() { index[n] = Int32(i) }
        self.index = index
        sentAt = [UInt64](repeating: 0, count: messages)
        cpuSentAt = cpu ? [UInt64](repeating: 0, count: messages) : []
        cpuLatency = cpu ? Histogram(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three) : nil
        deliveries.reserveCapacity(expectedDeliveries)
    }

    func observe(_ recipient: String, _ event: PeerEvent) {
        guard case let .delivered(from, _, text, _) = event else { return }
        let now = BenchClock.nanoseconds()
        let id = BenchWorkload.id(in: text) ?? -1
        deliveries.append(.init(recipient: index[recipient] ?? -1, sender: index[from] ?? -1, id: Int32(clamping: id)))
        if id >= 0, id < sentAt.count { _ = latency.record(now &- sentAt[id]) }
        if id >= 0, id < cpuSentAt.count { _ = cpuLatency?.record(BenchClock.threadCPUNanoseconds() &- cpuSentAt[id]) }
    }

    func resetLatency() { latency.reset() }
}
