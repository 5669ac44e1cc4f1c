/// Messages that arrived ahead of a gap, by sender then seq, waiting for the gap to fill.
///
/// A remote party decides what lands here, so it is bounded (protocol.md 6.2 and 7): a seq
/// more than `window` past the next expected one is refused, and so is a message that would
/// take the bodies held for one sender past `bytesPerSender`, or those of all senders past
/// `totalBytes`. A refused message is not acknowledged, so an honest sender sends it again at
/// its next retry, by which time the gap has usually filled; nothing is lost, only delayed.
struct HoldBackBuffer {
    /// How far past the next expected seq a message may be held.
    static let window: UInt64 = 256
    /// Bodies held for one sender, in octets (4 MiB: 64 of the largest messages).
    static let bytesPerSender = 4 << 20
    /// Bodies held for all senders together, in octets.
    static let totalBytes = 16 << 20

    /// Why a message was not held.
    enum Refusal: Equatable {
        case beyondWindow
        case full
    }

    private var held: [String: [UInt64: HistoryItem]] = [:]
    private var bytes: [String: Int] = [:]
    private var total = 0

    /// Holds `item` as `sender`'s `seq`, the next expected seq being `next`, unless a bound says no.
    mutating func hold(_ item: HistoryItem, from sender: String, seq: UInt64, next: UInt64) -> Refusal? {
        if seq - next > Self.window { return .beyondWindow }
        let size = item.body.count
        let previous = held[sender]?[seq]?.body.count ?? 0
        let mine = bytes[sender, default: 0] - previous + size
        if mine > Self.bytesPerSender || total - previous + size > Self.totalBytes { return .full }
        held[sender, default: [:]][seq] = item
        bytes[sender] = mine
        total += size - previous
        return nil
    }

    /// Takes `sender`'s `seq` out, if it is held.
    mutating func take(from sender: String, seq: UInt64) -> HistoryItem? {
        guard let item = held[sender]?.removeValue(forKey: seq) else { return nil }
        bytes[sender, default: 0] -= item.body.count
        total -= item.body.count
        if held[sender]?.isEmpty == true {
            held[sender] = nil
            bytes[sender] = nil
        }
        return item
    }
}
