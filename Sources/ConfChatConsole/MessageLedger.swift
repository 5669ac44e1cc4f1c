import ConfChatCore

/// The order in which a prompt's peer came to hold its messages, both directions.
///
/// A peer stores sent and received messages in two lists, each in sequence order, with no
/// clock: nothing in the durable state says whether bob's "hello" came before or after
/// alice's "how are you". The prompt keeps that order itself: it looks at the peer's state
/// whenever something happens (each event, each command) and appends the records it has not
/// seen yet. A message is placed when the peer stored it: a sent one when `send` accepted it,
/// a received one when it was delivered. Records that were already there when the ledger
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

    /// Appends the records of `state` not seen before. `last`, the message whose delivery
    /// prompted the call, goes after the others found with it (they were stored before it).
    mutating func sync(_ state: PeerDurableState, last: Key? = nil) {
        var fresh: [ChatRecord] = []
        for (peer, c) in state.conversations {
            for (records, outgoing) in [(c.sent, true), (c.received, false)] {
                let mark = Key(peer: peer, outgoing: outgoing, seq: 0)
                let top = highest[mark] ?? 0
                var i = records.count
                while i > 0, records[i - 1].seq > top { i -= 1 }
                let new = records[i...].filter { position[$0.key] == nil }
                if let last = records.last, last.seq > top { highest[mark] = last.seq }
                fresh += new
            }
        }
        fresh.sort { a, b in
            if let last, a.key == last || b.key == last { return b.key == last && a.key != last }
            if a.seq != b.seq { return a.seq < b.seq }
            if a.outgoing != b.outgoing { return a.outgoing }
            return a.peer < b.peer
        }
        for r in fresh {
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
        return sorted((c.sent + c.received).filter { $0.group == nil && !$0.discarded })
    }

    /// A group's messages as this peer holds them: what it received in the group from every
    /// member, and what it sent (one record per member per send, shown once a send).
    func group(_ state: PeerDurableState, _ group: String) -> [ChatRecord] {
        var received: [ChatRecord] = []
        var sent: [ChatRecord] = []
        for c in state.conversations.values {
            received += c.received.filter { $0.group == group && !$0.discarded }
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
