import ConfChatCore

/// A timer waiting on the simulated clock. `order` breaks ties between timers due at the
/// same instant in the order they were set, so firing order never depends on a hash.
///
/// 40 octets: a set-up network holds tens of thousands (each registry request sets a retry
/// and a time-out, stale once it is answered, until they fall due), so the peer is held by
/// reference, not by name (a `String`, and a look-up when it fires), and the incarnation is
/// 32 bits, after the timer, where the enum's padding leaves room.
struct SimTimer: Comparable {
    var at: SimInstant
    var order: UInt64
    let peer: SimPeer
    var timer: PeerTimer
    /// The incarnation of the peer that set it: a crash makes all its timers stale.
    var incarnation: Int32

    init(at: SimInstant, order: UInt64, peer: SimPeer, timer: PeerTimer) {
        self.at = at
        self.order = order
        self.peer = peer
        self.timer = timer
        incarnation = peer.timerIncarnation
    }

    static func < (a: SimTimer, b: SimTimer) -> Bool { (a.at, a.order) < (b.at, b.order) }
    static func == (a: SimTimer, b: SimTimer) -> Bool { a.at == b.at && a.order == b.order }
}
