import ConfChatCore
import HeapModule

/// Timers of a standalone node, on the clock the command line passes in.
struct HostTimers {
    private struct Entry: Comparable {
        var at: SimInstant
        var order: UInt64
        var timer: PeerTimer
        static func < (a: Entry, b: Entry) -> Bool { (a.at, a.order) < (b.at, b.order) }
        static func == (a: Entry, b: Entry) -> Bool { a.at == b.at && a.order == b.order }
    }

    private var heap = Heap<Entry>()
    private var order: UInt64 = 0

    mutating func schedule(_ timer: PeerTimer, at: SimInstant) {
        order += 1
        heap.insert(Entry(at: at, order: order, timer: timer))
    }

    /// The next timer due at or before `now`, removed.
    mutating func popDue(_ now: SimInstant) -> PeerTimer? {
        guard let top = heap.min, top.at <= now else { return nil }
        return heap.removeMin().timer
    }

    /// Milliseconds until the next timer, capped at `cap`.
    func wait(from now: SimInstant, cap: Int64) -> Int64 {
        guard let top = heap.min else { return cap }
        return max(0, min(cap, top.at - now))
    }
}
