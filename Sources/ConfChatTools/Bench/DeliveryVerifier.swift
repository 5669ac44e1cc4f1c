/// Checks a bench's deliveries against its sends: every message reached each of its
/// recipients exactly once, and each sender's messages reached each recipient in the order
/// they were sent.
///
/// Pure data in, findings out, so the checks are tested on crafted logs (a lost message, a
/// duplicate, a reordering) without a network. Message ids are the send order: message `i`
/// was sent before message `i + 1`, so per sender and recipient the ids delivered must rise.
public struct DeliveryVerifier {
    /// Who sent message `id` (its index in the array) and who must receive it.
    public struct Expected: Sendable {
        public var sender: Int32
        public var recipients: [Int32]
        public init(sender: Int32, recipients: [Int32]) {
            self.sender = sender
            self.recipients = recipients
        }
    }

    /// One delivery as the recipient reported it: stored, in this order.
    public struct Delivery: Sendable, Equatable {
        public var recipient: Int32
        public var sender: Int32
        public var id: Int32
        public init(recipient: Int32, sender: Int32, id: Int32) {
            self.recipient = recipient
            self.sender = sender
            self.id = id
        }
    }

    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        case lost(id: Int32, recipient: Int32)
        case duplicate(id: Int32, recipient: Int32)
        /// `id` from `sender` arrived at `recipient` after `after`, which was sent later.
        case reordered(sender: Int32, recipient: Int32, id: Int32, after: Int32)
        /// A delivery no send explains: unknown id, wrong sender or wrong recipient.
        case unexpected(Delivery)

        public var description: String {
            switch self {
            case let .lost(id, r): "message #\(id) never reached peer \(r)"
            case let .duplicate(id, r): "message #\(id) reached peer \(r) more than once"
            case let .reordered(s, r, id, after): "message #\(id) from peer \(s) reached peer \(r) after #\(after), which was sent later"
            case let .unexpected(d): "peer \(d.recipient) got message #\(d.id) from peer \(d.sender), which no send explains"
            }
        }
    }

    public struct Report: Sendable {
        /// Deliveries every send called for (the sum of recipients).
        public var expected = 0
        /// Distinct (message, recipient) deliveries seen.
        public var delivered = 0
        public var lost = 0
        public var duplicates = 0
        public var reordered = 0
        public var unexpected = 0
        /// The first problems found, for the error message (at most `limit`).
        public var problems: [Problem] = []

        public var passed: Bool { lost == 0 && duplicates == 0 && reordered == 0 && unexpected == 0 && delivered == expected }

        public var summary: String {
            passed ? "all \(expected) deliveries exactly once, in order"
                : "\(delivered) of \(expected) delivered; \(lost) lost, \(duplicates) duplicated, \(reordered) out of order, \(unexpected) unexplained"
        }
    }

    public static func verify(expected: [Expected], deliveries: [Delivery], limit: Int = 20) -> Report {
        var report = Report()
        func note(_ p: Problem) { if report.problems.count < limit { report.problems.append(p) } }
        // One counter a (message, recipient) slot; a message's slots start at offsets[id].
        var offsets = [Int](repeating: 0, count: expected.count + 1)
        for (i, e) in expected.enumerated() { offsets[i + 1] = offsets[i] + e.recipients.count }
        report.expected = offsets[expected.count]
        var seen = [UInt8](repeating: 0, count: report.expected)
        var lastId: [Int64: Int32] = [:]
        for d in deliveries {
            let id = Int(d.id)
            guard id >= 0, id < expected.count, expected[id].sender == d.sender,
                  let slot = expected[id].recipients.firstIndex(of: d.recipient) else {
                report.unexpected += 1
                note(.unexpected(d))
                continue
            }
            let at = offsets[id] + slot
            if seen[at] > 0 {
                report.duplicates += 1
                note(.duplicate(id: d.id, recipient: d.recipient))
                continue
            }
            seen[at] = 1
            report.delivered += 1
            let pair = Int64(d.sender) << 32 | Int64(d.recipient)
            if let last = lastId[pair], last > d.id {
                report.reordered += 1
                note(.reordered(sender: d.sender, recipient: d.recipient, id: d.id, after: last))
            } else {
                lastId[pair] = d.id
            }
        }
        for (i, e) in expected.enumerated() {
            for (slot, r) in e.recipients.enumerated() where seen[offsets[i] + slot] == 0 {
                report.lost += 1
                note(.lost(id: Int32(i), recipient: r))
            }
        }
        return report
    }
}
