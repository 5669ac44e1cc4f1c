/// Keeping the registry's backup whole. Each message goes to the backup as it is stored
/// (`persist`), but a BACKUP can be lost (the registry down, a lossy link): each LOGIN-REPLY's
/// backup marks say, for each conversation direction, the highest seq the backup holds and
/// how many entries it holds, and the peer sends what it lacks (5.2 of docs/protocol.md).
extension PeerMachine {
    /// Sends the registry, for each conversation direction, the messages above the backup's
    /// highest seq (stored while it did not answer) and, where the backup holds fewer entries
    /// up to that seq than we hold messages (a BACKUP lost below it: a hole that a later wipe
    /// would restore without), every message of the direction again. The registry keeps each
    /// entry once, so a repeat costs a frame and no space; a hole costs one such round per
    /// login that finds it, and the next finds none.
    mutating func catchUpBackup(_ marks: [BackupMark]) {
        var mark: [Direction: BackupMark] = [:]
        for m in marks { mark[Direction(peer: m.peer, outgoing: m.outgoing)] = m }
        for peer in durable.conversations.keys.sorted() {
            let c = durable.conversations[peer]!
            catchUp(c.sent, mark: mark[Direction(peer: peer, outgoing: true)], to: peer, outgoing: true)
            catchUp(c.received, mark: mark[Direction(peer: peer, outgoing: false)], to: peer, outgoing: false)
        }
    }

    /// One conversation direction, the key of a backup mark: a pair hashed as it is, where a
    /// string built for each mark and each look-up (`">" + peer`) cost an allocation apiece.
    private struct Direction: Hashable {
        var peer: String
        var outgoing: Bool
    }

    /// One direction of `catchUpBackup`. Each login goes over every record it holds, so they
    /// are read where they lie, by index: `reduce` and a `for` over the array copied each
    /// record they looked at (a retain and a release of each of its fields; 1.1 M
    /// instructions of the generated 10,000-statement scenario).
    private mutating func catchUp(_ records: [ChatRecord], mark: BackupMark?, to peer: String, outgoing: Bool) {
        let top = mark?.seq ?? 0
        // A placeholder is no message: a backup that returned it would show it as one.
        var below = 0
        if top != 0 {
            for i in records.indices where records[i].seq <= top && !records[i].isSkip { below += 1 }
        }
        let from = below > Int(mark?.held ?? 0) ? 0 : top
        if from < top {
            event(.note("the registry's backup holds \(mark?.held ?? 0) of our \(below) messages \(outgoing ? "to" : "from") \(peer) up to #\(top): sending them again"))
        }
        for i in records.indices where records[i].seq > from && !records[i].isSkip { backUp(records[i]) }
    }
}
