/// Exactly-once, in-order delivery for each sender -> recipient pair.
///
/// The sender numbers its messages 1, 2, 3... per recipient and keeps each until the
/// recipient acknowledges it (cumulative acks). It sends directly while the recipient looks
/// online, otherwise to the registry's mailbox, and retries on a timer. The recipient
/// stores a message only if it is the next in sequence, holds back early ones, drops
/// duplicates, and always answers with the highest seq it holds, so any mix of direct,
/// mailbox and retried copies ends as each message stored once, in order.
extension PeerMachine {
    func direct(_ r: ChatRecord) -> WireMessage {
        if let g = r.group { return .groupChat(seq: r.seq, group: g, body: r.body) }
        return .chat(seq: r.seq, body: r.body)
    }

    func deposit(_ r: ChatRecord) -> WireMessage {
        if let g = r.group { return .groupDeposit(to: r.peer, seq: r.seq, group: g, body: r.body) }
        return .deposit(to: r.peer, seq: r.seq, body: r.body)
    }

    /// First transmission of a freshly stored message. A friend who looks offline gets it
    /// through the mailbox; a group member who is not a friend (whose presence we do not
    /// follow) gets it directly, and through the mailbox at the next retry if unconfirmed.
    mutating func transmit(_ record: ChatRecord) {
        if durable.friends[record.peer] == nil || session?.presence[record.peer]?.online == true {
            toPeer(record.peer, direct(record))
        } else {
            toRegistry(deposit(record))
        }
    }

    /// Retransmits everything the contact has not confirmed: directly to a friend who looks
    /// online, else to the mailbox unless the registry already holds it.
    mutating func flush(_ contact: String) {
        guard let s = session, let c = durable.conversations[contact] else { return }
        if durable.friends[contact] != nil, s.presence[contact]?.online == true {
            for r in c.unacked { toPeer(contact, direct(r)) }
        } else {
            depositUnacked(contact)
        }
    }

    mutating func depositUnacked(_ contact: String) {
        guard let c = durable.conversations[contact] else { return }
        let done = session?.deposited[contact] ?? []
        for r in c.unacked where !done.contains(r.seq) {
            toRegistry(deposit(r))
        }
    }

    /// The friend confirmed everything up to `upTo`.
    mutating func acknowledged(_ friend: String, upTo: UInt64) {
        guard let c = durable.conversations[friend], upTo > c.acked else { return }
        persist(.markAcked(peer: friend, upTo: min(upTo, c.lastSentSeq)))
    }

    /// A message from `sender`, directly or from the mailbox. Returns the highest seq now held.
    @discardableResult
    mutating func accept(from sender: String, seq: UInt64, body: [UInt8], group: String? = nil) -> UInt64 {
        let last = durable.conversations[sender]?.lastReceivedSeq ?? 0
        if seq <= last {
            if !config.dedupe {
                // Fault injection (`PeerConfig.dedupe` off): keep the copy, as a broken
                // receiver would. It goes in as the next record, the only place one fits.
                store(from: sender, seq: last + 1, HistoryItem(group: group, body: body))
                return last
            }
            event(.duplicate(from: sender, seq: seq))
            return last
        }
        if seq > last + 1 {
            session?.heldBack[sender, default: [:]][seq] = HistoryItem(group: group, body: body)
            event(.heldBack(from: sender, seq: seq, expecting: last + 1))
            return last
        }
        store(from: sender, seq: seq, HistoryItem(group: group, body: body))
        var next = seq + 1
        while let held = session?.heldBack[sender]?.removeValue(forKey: next) {
            store(from: sender, seq: next, held)
            next += 1
        }
        return next - 1
    }

    /// Stores the next message of a sender. A group message for a group we are not in (we
    /// left, or it was destroyed, while it travelled) is kept as discarded: never shown, but
    /// the sequence stays whole so what follows is not held back forever.
    private mutating func store(from sender: String, seq: UInt64, _ item: HistoryItem) {
        // Also discarded: a message for one of our groups from someone who is not in it, so no
        // one injects messages into a group conversation they are not part of.
        let discarded = item.group.map { durable.groups[$0]?.members[sender] == nil } ?? false
        let record = ChatRecord(peer: sender, outgoing: false, seq: seq, body: item.body, group: item.group, discarded: discarded)
        persist(.store(record))
        if discarded {
            let why = durable.groups[item.group!] == nil ? "not a member" : "\(sender) is not a member"
            event(.note("discarded \(sender)#\(seq) for group \(item.group!): \(why)"))
        } else {
            event(.delivered(from: sender, seq: seq, text: record.text, group: item.group))
        }
        toRegistry(.backup(BackupEntry(peer: sender, outgoing: false, seq: seq, body: item.body, group: item.group)))
    }

    /// Mail from the registry: store in order per sender, then tell the registry what it may drop.
    mutating func acceptMail(_ items: [MailItem]) {
        var highest: [String: UInt64] = [:]
        for item in items.sorted(by: { ($0.from, $0.seq) < ($1.from, $1.seq) }) {
            highest[item.from] = accept(from: item.from, seq: item.seq, body: item.body, group: item.group)
        }
        for (from, upTo) in highest.sorted(by: { $0.key < $1.key }) {
            toRegistry(.mailboxAck(from: from, upTo: upTo))
            if durable.friends[from] == nil || session?.presence[from]?.online == true { toPeer(from, .chatAck(upTo: upTo)) }
        }
    }
}
