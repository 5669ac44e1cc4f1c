/// How much HISTORY a peer gives back to one contact in a window of time.
///
/// A contact that reuses a seq with another body, or says in HELLO that it holds less than
/// it sent, is answered with everything we hold from it from there on: twenty octets from it
/// could make us queue megabytes, again and again. A restored peer needs that answer once;
/// a contact asking for it over and over is either hostile or broken. So in each window of
/// `windowMs`, counted from the first give-back of the window, a contact is given at most
/// one copy of what we hold from it plus `extraOctets` (room for a few repeats of a short
/// conversation, or the tail of a run a lost frame cut short); the rest waits for the next
/// window, where its next request is answered again (docs/protocol.md 7).
///
/// In the session (memory) only: a new login starts afresh. Time comes from the machine's
/// `now`, so a run is the same every time.
public struct HistoryBudget {
    /// The window: 60 s.
    public static let windowMs: Int64 = 60_000
    /// What a window allows beyond one copy of what we hold from the contact: 1 MiB.
    public static let extraOctets = 1 << 20
    /// What an item costs besides its body, proof and group name (their length prefixes and
    /// the frame's share of its header), rounded up.
    public static let itemOverhead = 16

    /// What giving `item` back costs: its octets on the wire, about.
    public static func cost(_ item: HistoryItem) -> Int {
        cost(body: item.body, proof: item.proof, group: item.group)
    }

    /// What giving `record` back costs (as its `HistoryItem`).
    static func cost(_ record: ChatRecord) -> Int {
        cost(body: record.body, proof: record.proof, group: record.group)
    }

    private static func cost(body: [UInt8], proof: [UInt8], group: String?) -> Int {
        body.count + proof.count + (group?.utf8.count ?? 0) + itemOverhead
    }

    private struct Window {
        var start: SimInstant
        var spent: Int
    }

    /// Per contact: its current window. At most one entry a contact.
    private var windows: [String: Window] = [:]

    /// The octets `peer` may still be given now, when giving back everything we hold from it
    /// costs `held`.
    func left(for peer: String, holding held: Int, now: SimInstant) -> Int {
        let allowed = held + Self.extraOctets
        guard let w = windows[peer], now - w.start < Self.windowMs else { return allowed }
        return max(0, allowed - w.spent)
    }

    /// Counts `octets` given to `peer` now.
    mutating func spend(_ octets: Int, for peer: String, now: SimInstant) {
        if let w = windows[peer], now - w.start < Self.windowMs {
            windows[peer]!.spent = w.spent + octets
        } else {
            windows[peer] = Window(start: now, spent: octets)
        }
    }
}
