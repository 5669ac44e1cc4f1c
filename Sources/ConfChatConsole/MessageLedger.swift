import ConfChatCore

/// The order in which a prompt's peer came to hold its messages, both directions.
///
/// A peer stores sent and received messages in two lists, each in sequence order, with no
/// clock: nothing in the durable state says whether bob's "hello" came before or after
/// alice's "how are you". The prompt keeps that order itself. A received message is placed
/// by its delivery event (`delivered`), in the order the events come, whatever the state
/// holds by then: a node that handles several messages in one batch has stored them all
/// before it reports the first. What no event reports (our own messages, a backup restored
/// at login) is placed when the prompt looks at the state (`sync`, each line) or, at the
/// latest, ahead of the next delivery that must have come after it. Records that were already there when the ledger
/// started come first, in the order the peer's store took them in (`start(with:)`, from
/// `PeerConsole.storedOrder`); any it does not know (a store that keeps no order, or a
/// backup restored at login) are interleaved by sequence number, sent first on a tie: the
/// best guess the state allows.
public struct MessageLedger {
    typealias Key = ChatRecord.Key

    private(set) var order: [Key] = []
    private var position: [Key: Int] = [:]
    /// Highest seq seen per conversation and direction: records are appended in seq order,
    /// so only those above it can be new.
    private var highest: [Key: UInt64] = [:]

    /// Places the records already stored, in the store's order, before the first `sync`.
    mutating func start(with stored: [Key]) {
        for k in stored where position[k] == nil {
            position[k] = order.count
            order.append(k)
        }
    }

    func position(of r: ChatRecord) -> Int? { position[r.key] }

    /// Appends the records of `state` not seen before, interleaved by sequence number.
    mutating func sync(_ state: PeerDurableState) {
        var fresh: [ChatRecord] = []
        for (peer, c) in state.conversations {
            fresh += unplaced(c.sent, Key(peer: peer, outgoing: true, seq: 0))
            fresh += unplaced(c.received, Key(peer: peer, outgoing: false, seq: 0))
        }
        append(fresh)
    }

    /// A delivery was reported: the message goes next, after what the peer must have stored
    /// before it and no event reports: our own messages not placed yet, and the sender's
    /// earlier seqs not placed yet (a sender's messages are stored in seq order; those came
    /// with no delivery, from a restored backup). Other received messages in `state` stay
    /// out: their own reports place them.
    mutating func delivered(_ key: Key, in state: PeerDurableState) {
        guard position[key] == nil else { return }
        var fresh: [ChatRecord] = []
        for (peer, c) in state.conversations { fresh += unplaced(c.sent, Key(peer: peer, outgoing: true, seq: 0)) }
        let mark = Key(peer: key.peer, outgoing: false, seq: 0)
        if let c = state.conversations[key.peer] { fresh += unplaced(c.received, mark, below: key.seq) }
        append(fresh)
        position[key] = order.count
        order.append(key)
        if key.seq > highest[mark] ?? 0, state.conversations[key.peer]?.holds(key.seq, outgoing: false) == true { highest[mark] = key.seq }
    }

    /// The records of one list above its mark (`highest`) and below `limit` that are not
    /// placed, moving the mark past those looked at: the list is in seq order, so only
    /// records above the mark can be new.
    private mutating func unplaced(_ records: [ChatRecord], _ mark: Key, below limit: UInt64 = .max) -> [ChatRecord] {
        let top = highest[mark] ?? 0
        var i = records.count
        while i > 0, records[i - 1].seq > top { i -= 1 }
        var end = i
        while end < records.count, records[end].seq < limit { end += 1 }
        guard end > i else { return [] }
        highest[mark] = records[end - 1].seq
        return records[i..<end].filter { position[$0.key] == nil }
    }

    /// Places `fresh` by seq, sent first on a tie, then by peer: the best guess for records
    /// no event ordered.
    private mutating func append(_ fresh: [ChatRecord]) {
        for r in fresh.sorted(by: { a, b in
            if a.seq != b.seq { return a.seq < b.seq }
            if a.outgoing != b.outgoing { return a.outgoing }
            return a.peer < b.peer
        }) {
            position[r.key] = order.count
            order.append(r.key)
        }
    }

    /// Records in ledger order; any the ledger does not know go last, by seq.
    func sorted(_ records: [ChatRecord]) -> [ChatRecord] {
        records.enumerated().sorted { x, y in
            let px = position(of: x.element) ?? Int.max, py = position(of: y.element) ?? Int.max
            return px != py ? px < py : x.offset < y.offset
        }.map(\.element)
    }

    /// One-to-one messages with `peer`, both directions, in the order the peer stored them.
    func conversation(_ state: PeerDurableState, with peer: String) -> [ChatRecord] {
        guard let c = state.conversations[peer] else { return [] }
        return sorted((c.sent + c.received).filter { $0.group == nil && $0.isShown })
    }

    /// A group's messages as this peer holds them: what it received in the group from every
    /// member, and what it sent (one record per member per send, shown once a send).
    func group(_ state: PeerDurableState, _ group: String) -> [ChatRecord] {
        var received: [ChatRecord] = []
        var sent: [ChatRecord] = []
        for c in state.conversations.values {
            received += c.received.filter { $0.group == group && $0.isShown }
            sent += c.sent.filter { $0.group == group }
        }
        // A send stores one record per member; a record joins the latest send with the same
        // text unless that send already has a record for the same member.
        var sends: [(record: ChatRecord, members: Set<String>)] = []
        for r in sorted(sent) {
            if let i = sends.lastIndex(where: { $0.record.body == r.body }), !sends[i].members.contains(r.peer) {
                sends[i].members.insert(r.peer)
            } else {
                sends.append((r, [r.peer]))
            }
        }
        return sorted(received + sends.map(\.record))
    }
}
