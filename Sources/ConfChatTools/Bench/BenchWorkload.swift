import ConfChatCore

/// The messages of a bench, drawn from the seed: who sends, to whom (a friend, or a group
/// the sender is in), and the text, which carries the message's number so every delivery
/// can be traced back to its send.
public struct BenchWorkload: Sendable {
    public struct Send: Sendable {
        public var from: Int32
        /// A friend's index, or for a group send the group's index.
        public var to: Int32
    }

    public let sends: [Send]
    public let isGroup: Bool
    public let bodySize: Int

    public init(graph: BenchGraph, messages: Int, bodySize: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed ^ 0x5E_4D_00)
        var sends: [Send] = []
        sends.reserveCapacity(messages)
        if graph.groups.isEmpty {
            let n = UInt64(graph.names.count)
            for _ in 0..<messages {
                let from = Int(rng.next() % n)
                let fr = graph.friends[from]
                let to = fr[Int(rng.next() % UInt64(fr.count))]
                sends.append(Send(from: Int32(from), to: Int32(to)))
            }
        } else {
            let g = UInt64(graph.groups.count)
            for _ in 0..<messages {
                let group = Int(rng.next() % g)
                let members = graph.groups[group].members
                let from = members[Int(rng.next() % UInt64(members.count))]
                sends.append(Send(from: Int32(from), to: Int32(group)))
            }
        }
        self.sends = sends
        self.isGroup = !graph.groups.isEmpty
        self.bodySize = bodySize
        padding = (0...20).map { " " + String(repeating: "x", count: max(0, bodySize - $0 - 1)) }
    }

    /// Padding after a number of `i` digits and its space, made once (`text` runs per send).
    private let padding: [String]

    /// The text of message `id`: its number, a space, then padding to `bodySize` bytes.
    public func text(_ id: Int) -> String {
        let number = String(id)
        return number + padding[min(number.utf8.count, padding.count - 1)]
    }

    /// The message number a delivered text carries, or nil if it carries none.
    @inline(__always)
    public static func id(in text: String) -> Int? {
        var value = 0
        var digits = 0
        for b in text.utf8 {
            guard b >= 0x30, b <= 0x39 else { break }
            value = value &* 10 &+ Int(b - 0x30)
            digits += 1
            if digits > 18 { return nil }
        }
        return digits == 0 ? nil : value
    }
}
