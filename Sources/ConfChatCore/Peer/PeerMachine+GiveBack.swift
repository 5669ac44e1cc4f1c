/// Giving a contact back what we hold from it (HISTORY), within its `HistoryBudget`.
extension PeerMachine {
    /// Sends `peer` a HISTORY of the messages we hold from it, from `seq` on, one a run of
    /// consecutive ones (placeholders and discarded ones are not given back), cut into frames
    /// of at most `historyItems` items and `historyBytes` octets of bodies, so that a long
    /// conversation never makes a frame the receiver's transport refuses (protocol.md 7).
    /// What the contact's budget of the window does not cover is not sent (noted); its next
    /// request in a later window gets it.
    mutating func giveBack(to peer: String, from seq: UInt64) {
        guard let c = durable.conversations[peer] else { return }
        let held = c.received.reduce(0) { $1.isShown ? $0 + HistoryBudget.cost($1) : $0 }
        let left = session?.historyBudget.left(for: peer, holding: held, now: now) ?? 0
        var spent = 0
        var run: [ChatRecord] = []
        var bytes = 0
        func give() {
            if let first = run.first { toPeer(peer, .history(first: first.seq, items: run.map { HistoryItem(group: $0.group, body: $0.body, proof: $0.proof) })) }
            run = []
            bytes = 0
        }
        for r in c.received where r.seq >= seq && r.isShown {
            if spent + HistoryBudget.cost(r) > left {
                event(.note("HISTORY to \(peer) stops before #\(r.seq): its budget of the minute is spent (what we hold from it and 1 MiB)"))
                break
            }
            if let prev = run.last, prev.seq + 1 != r.seq || run.count == Self.historyItems || bytes + r.body.count > Self.historyBytes { give() }
            run.append(r)
            bytes += r.body.count
            spent += HistoryBudget.cost(r)
        }
        give()
        if spent > 0 { session?.historyBudget.spend(spent, for: peer, now: now) }
    }

    /// A HISTORY frame's bounds: 256 items, 4 MiB of bodies (a quarter of the frame limit).
    static let historyItems = 256
    static let historyBytes = 4 << 20
}
