import ConfChatCore

/// A timer waiting on the simulated clock. `order` breaks ties between timers due at the
/// same instant in the order they were set, so firing order never depends on a hash.
struct SimTimer: Comparable {
    var at: SimInstant
    var order: UInt64
    var peer: String
    /// The incarnation of the peer that set it: a crash makes all its timers stale.
    var incarnation: Int
    var timer: PeerTimer

    static func < (a: SimTimer, b: SimTimer) -> Bool { (a.at, a.order) < (b.at, b.order) }
    static func == (a: SimTimer, b: SimTimer) -> Bool { a.at == b.at && a.order == b.order }
}
