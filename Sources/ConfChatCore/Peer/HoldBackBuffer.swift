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

    private var held: [String: [UInt64: Arrival]] = [:]
    private var bytes: [String: Int] = [:]
    private var total = 0

    /// Holds `item` as `sender`'s `seq`, the next expected seq being `next`, unless a bound says no.
    mutating func hold(_ item: Arrival, from sender: String, seq: UInt64, next: UInt64) -> Refusal? {
        if seq - next > Self.window { return .beyondWindow }
        let size = item.size
        let previous = held[sender]?[seq]?.size ?? 0
        let mine = bytes[sender, default: 0] - previous + size
        if mine > Self.bytesPerSender || total - previous + size > Self.totalBytes { return .full }
        held[sender, default: [:]][seq] = item
        bytes[sender] = mine
        total += size - previous
        return nil
    }

    /// Drops what is held from `sender` above `seq`; returns whether anything was.
    mutating func forget(from sender: String, above seq: UInt64) -> Bool {
        let gone = held[sender]?.keys.filter { $0 > seq }.sorted() ?? []
        for s in gone { _ = take(from: sender, seq: s) }
        return !gone.isEmpty
    }

    /// Takes `sender`'s `seq` out, if it is held.
    mutating func take(from sender: String, seq: UInt64) -> Arrival? {
        // Asked after every message stored, and nothing is held back on an orderly network:
        // an empty buffer answers without hashing the name.
        guard !held.isEmpty, let item = held[sender]?.removeValue(forKey: seq) else { return nil }
        bytes[sender, default: 0] -= item.size
        total -= item.size
        if held[sender]?.isEmpty == true {
            held[sender] = nil
            bytes[sender] = nil
        }
        return item
    }
}
