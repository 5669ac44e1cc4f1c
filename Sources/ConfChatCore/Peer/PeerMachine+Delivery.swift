/// Exactly-once, in-order delivery for each sender -> recipient pair.
///
/// The sender numbers its messages 1, 2, 3... per recipient and keeps each until the
/// recipient acknowledges it (cumulative acks). It sends directly while the recipient looks
/// online, otherwise to the registry's mailbox, and retries on a timer. The recipient
/// stores a message only if it is the next in sequence, holds back early ones, drops
/// duplicates, and always answers with the highest seq it holds, so any mix of direct,
/// mailbox and retried copies ends as each message stored once, in order.
extension PeerMachine {
    /// First transmission of a freshly stored message.
    mutating func transmit(_ record: ChatRecord) {
        if session?.presence[record.peer]?.online == true {
            toPeer(record.peer, .chat(seq: record.seq, body: record.body))
        } else {
            toRegistry(.deposit(to: record.peer, seq: record.seq, body: record.body))
        }
    }

    /// Retransmits everything the friend has not confirmed: directly if they look online,
    /// else to the mailbox unless the registry already holds it.
    mutating func flush(_ friend: String) {
        guard let s = session, let c = durable.conversations[friend] else { return }
        if s.presence[friend]?.online == true {
            for r in c.unacked { toPeer(friend, .chat(seq: r.seq, body: r.body)) }
        } else {
            depositUnacked(friend)
        }
    }

    mutating func depositUnacked(_ friend: String) {
        guard let c = durable.conversations[friend] else { return }
        let done = session?.deposited[friend] ?? []
        for r in c.unacked where !done.contains(r.seq) {
            toRegistry(.deposit(to: friend, seq: r.seq, body: r.body))
        }
    }

    /// The friend confirmed everything up to `upTo`.
    mutating func acknowledged(_ friend: String, upTo: UInt64) {
        guard let c = durable.conversations[friend], upTo > c.acked else { return }
        persist(.markAcked(peer: friend, upTo: min(upTo, c.lastSentSeq)))
    }

    /// A message from `sender`, directly or from the mailbox. Returns the highest seq now held.
    @discardableResult
    mutating func accept(from sender: String, seq: UInt64, body: [UInt8]) -> UInt64 {
        let last = durable.conversations[sender]?.lastReceivedSeq ?? 0
        if seq <= last {
            event(.duplicate(from: sender, seq: seq))
            return last
        }
        if seq > last + 1 {
            session?.heldBack[sender, default: [:]][seq] = body
            event(.heldBack(from: sender, seq: seq, expecting: last + 1))
            return last
        }
        store(from: sender, seq: seq, body: body)
        var next = seq + 1
        while let held = session?.heldBack[sender]?.removeValue(forKey: next) {
            store(from: sender, seq: next, body: held)
            next += 1
        }
        return next - 1
    }

    private mutating func store(from sender: String, seq: UInt64, body: [UInt8]) {
        let record = ChatRecord(peer: sender, outgoing: false, seq: seq, body: body)
        persist(.store(record))
        event(.delivered(from: sender, seq: seq, text: record.text))
        toRegistry(.backup(BackupEntry(peer: sender, outgoing: false, seq: seq, body: body)))
    }

    /// Mail from the registry: store in order per sender, then tell the registry what it may drop.
    mutating func acceptMail(_ items: [MailItem]) {
        var highest: [String: UInt64] = [:]
        for item in items.sorted(by: { ($0.from, $0.seq) < ($1.from, $1.seq) }) {
            highest[item.from] = accept(from: item.from, seq: item.seq, body: item.body)
        }
        for (from, upTo) in highest.sorted(by: { $0.key < $1.key }) {
            toRegistry(.mailboxAck(from: from, upTo: upTo))
            if session?.presence[from]?.online == true { toPeer(from, .chatAck(upTo: upTo)) }
        }
    }
}
