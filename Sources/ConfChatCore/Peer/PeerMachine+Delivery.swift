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
        if r.isSkip { return .skip(seq: r.seq) }
        let proof = proof(of: r)
        if let g = r.group { return .groupChat(seq: r.seq, group: g, body: r.body, proof: proof) }
        return .chat(seq: r.seq, body: r.body, proof: proof)
    }

    /// Whether `item` carries our own proof for our message `seq` to `peer`: only then may we
    /// take it back as something we sent.
    func isOurs(_ item: HistoryItem, to peer: String, seq: UInt64) -> Bool {
        guard let key = session?.proofKey, !item.proof.isEmpty else { return false }
        return item.proof == prover.proof(key: key, to: peer, seq: seq, group: item.group, body: item.body)
    }

    func deposit(_ r: ChatRecord) -> WireMessage {
        if let g = r.group { return .groupDeposit(to: r.peer, seq: r.seq, group: g, body: r.body, proof: proof(of: r)) }
        return .deposit(to: r.peer, seq: r.seq, body: r.body, proof: proof(of: r))
    }

    /// Hands a stored message to the registry's mailbox again, its backup entry just before it. The mailbox
    /// copy is sealed to the recipient's key of the moment, which the recipient's wipe loses
    /// (6.6): the message is then safe only if the sender, or its backup, still holds it. The
    /// entry sent when the message was stored may not have reached the registry, so it goes
    /// again with every deposit; the registry keeps each entry once.
    mutating func mail(_ r: ChatRecord) {
        backUp(r)
        toMailbox(r)
    }

    /// Deposits a stored message, noting the recipient's key it is sealed to (`DepositLedger`).
    private mutating func toMailbox(_ r: ChatRecord) {
        let key = durable.keys[r.peer] ?? []
        session?.deposits.deposit(to: r.peer, seq: r.seq, key: key)
        toRegistry(deposit(r))
    }

    /// Our proof of a message we sent (empty outside a session, where no key is known).
    /// The key is read in place: `session.flatMap` copied the whole session (its presence
    /// table, ledgers, hold-back buffer: a retain and a release of each) at every message sent.
    func proof(of r: ChatRecord) -> [UInt8] {
        guard let key = session?.proofKey else { return [] }
        return prover.proof(key: key, to: r.peer, seq: r.seq, group: r.group, body: r.body) ?? []
    }

    /// First transmission of a freshly stored message. A friend who looks offline gets it
    /// through the mailbox; a group member who is not a friend (whose presence we do not
    /// follow) gets it directly, and through the mailbox at the next retry if unconfirmed.
    /// `contact`: the number of `record.peer`, when the caller has it.
    mutating func transmit(_ record: ChatRecord, contact: Int? = nil) {
        // A friend's endpoint is read once, for the question and the send (`toPeer` would look
        // it up again: a message to a friend goes to the endpoint in `friends`).
        let n = contact ?? number(record.peer)
        guard let ep = durable.friendEndpoint(n) else { return toPeer(record.peer, direct(record)) }
        if online(n) {
            session?.roundTrips.change(n, from: RoundTrip()) { $0.sent(record.seq, at: now) }
            toFriend(record.peer, at: ep, direct(record))
        } else {
            toMailbox(record)  // its backup entry went out as it was stored, just now
        }
    }

    /// Retransmits everything the contact has not confirmed: directly to a friend who looks
    /// online, else to the mailbox unless the registry already holds it.
    mutating func flush(_ contact: String) {
        session?.resending.remove(contact)
        guard let s = session, let n = durable.contact(contact), let c = durable.conversation(n, { $0 }) else { return }
        let friend = durable.friendEndpoint(n) != nil
        session?.roundTrips[n]?.sentAgain()
        if friend, s.presence[n]?.online == true {
            for r in c.unacked { toPeer(contact, direct(r)) }
        } else {
            depositUnacked(contact)
            // A SKIP has no mailbox form. A fellow member who is not a friend may well be
            // there (we do not follow its presence): it gets them directly.
            if !friend { for r in c.unacked where r.isSkip { toPeer(contact, direct(r)) } }
        }
    }

    /// A retry, or a friend heard again (HELLO, or a HEARTBEAT after a silence; 6.4): to a
    /// friend who looks online, only the first unconfirmed message goes again, as tcp
    /// retransmits its first unacknowledged segment; the rest go once it is confirmed
    /// (`acknowledged`). A friend that does not answer is behind more often than
    /// gone, and holds or is about to get the rest: sending every unconfirmed message at each
    /// retry made 114,399 copies of 20,000 messages in `bench --hosts 3 --peers 1000`
    /// (docs/performance.md). Anyone else gets what `flush` sends.
    mutating func retransmit(_ contact: String) {
        guard let n = durable.contact(contact), durable.friendEndpoint(n) != nil, online(n),
              let first = durable.conversation(n, { $0?.unacked.first })
        else { return flush(contact) }
        session?.resending.insert(contact)
        session?.roundTrips[n]?.sentAgain()
        toPeer(contact, direct(first))
    }

    /// Deposits what `contact` has not confirmed and the registry does not hold. Of the
    /// deposits still awaiting the registry's acknowledgement, only the first goes again,
    /// unless `all`: the rest go once that one is acknowledged (`depositAcknowledged`), as a
    /// retry to a friend sends its first unconfirmed message. A registry that is behind
    /// answers a connection's deposits in order, so they are late rather than lost, and
    /// sending each again (sealed anew, with its backup entry) at every retry buried it:
    /// `bench --hosts 3 --peers 1000` on two cores, 148,737 deposits and as many backups
    /// that met a full line to the registry for 20,000 messages (docs/performance.md).
    /// `all`: at logout, when no retry follows.
    mutating func depositUnacked(_ contact: String, all: Bool = false) {
        guard let c = durable.conversations[contact] else { return }
        if let until = session?.mailboxFull[contact], until > now { return }
        guard let ledger = session?.deposits else { return }
        let key = durable.keys[contact] ?? []
        // Its acknowledgement comes when the recipient takes its mail: no round trip of ours.
        if let n = durable.contact(contact) { session?.roundTrips[n]?.sentAgain() }
        var again = false
        // A skip travels only directly: it means nothing to a recipient who is not in step with us.
        for r in c.unacked where !ledger.holds(to: contact, seq: r.seq, key: key) && !r.isSkip {
            if !all, ledger.awaits(to: contact, seq: r.seq, key: key) {
                if again { continue }
                again = true
                session?.redepositing[contact] = r.seq
            }
            mail(r)
        }
    }

    /// The registry acknowledged our deposit `seq` for `to`. If a retry sent it again as the
    /// first of several awaited (`depositUnacked`), the others go again now: the registry has
    /// answered what was sent after them, so those it has not acknowledged were lost. Deposited
    /// only while `to` is still away from us: a friend seen online gets them directly.
    mutating func depositAcknowledged(to: String, seq: UInt64) {
        session?.deposits.acknowledged(to: to, seq: seq)
        guard session?.redepositing[to] == seq else { return }
        session?.redepositing[to] = nil
        if let n = durable.contact(to), durable.friendEndpoint(n) != nil, online(n) { return }
        depositUnacked(to, all: true)
    }

    /// `to` could not open our mail `seq` (sealed to a key its wipe lost) and the registry
    /// deleted it. We deposit it again at the next retry, sealed to the key we know then; or,
    /// if we no longer hold it either (our own wipe, its backup entry lost, and only the seq
    /// kept as still in the mailbox), it is lost for good: a SKIP, or what we send after it
    /// would wait behind it for ever.
    mutating func mailReturned(to: String, seq: UInt64) {
        session?.deposits.returned(to: to, seq: seq)
        let c = durable.conversations[to] ?? Conversation()
        if let r = c.record(seq, outgoing: true) {
            if !r.isSkip { event(.note("\(to) could not open our mail #\(seq) (sealed to a key it lost): depositing it again")) }
        } else if c.reserved.contains(seq) {
            skipReserved(to: to, [seq])
        }
    }

    /// After a LOGIN-REPLY: our reserved seqs (kept as still in the registry's mailbox, 6.6)
    /// that we do not hold and its mail marks no longer list. The recipient took them (and
    /// a SKIP is a duplicate to it), or dropped them unopened while the MAIL-RETURNED could
    /// not reach us (we were offline, or the registry had restarted): lost for good.
    mutating func skipReservedGone(_ marks: [BackupMark]) {
        var still: [String: Set<UInt64>] = [:]
        for m in marks where m.outgoing { still[m.peer, default: []].insert(m.seq) }
        for (peer, c) in durable.conversations.sorted(by: { $0.key < $1.key }) {
            // Not what the friend said it holds (`sync` keeps that as acknowledged): its
            // HISTORY gives those back, and our HELLO asks again until it does (`fire`).
            let gone = c.reserved.sorted().filter {
                $0 > c.acked && c.record($0, outgoing: true) == nil && still[peer]?.contains($0) != true
            }
            if !gone.isEmpty { skipReserved(to: peer, gone) }
        }
    }

    /// Our messages `seqs` to `peer`, which we no longer hold (our wipe, their backup entries
    /// lost) and the mailbox no longer holds either: a SKIP each, or what we sent after them
    /// would wait behind them for ever.
    private mutating func skipReserved(to peer: String, _ seqs: [UInt64]) {
        for seq in seqs { persist(.store(.skipped(peer: peer, outgoing: true, seq: seq))) }
        event(.note("our messages #\(seqs.map(String.init).joined(separator: ", #")) to \(peer) are no longer in the mailbox and we do not hold them: skipped"))
        if !durable.unsynced.contains(peer) { flush(peer) }
    }

    /// The friend confirmed everything up to `upTo`. `contact`: its number, when the caller has it.
    mutating func acknowledged(_ friend: String, contact: Int? = nil, upTo: UInt64) {
        // The conversation's figures are read in place, one by one: binding it (`let c`) copied
        // it, a retain and a release of each of its lists, at every CHAT-ACK.
        guard let n = contact ?? durable.contact(friend), let acked = durable.conversation(n, { $0?.acked }) else { return }
        // The friend holds more of ours than we do (a restore lost them, and they came to it
        // through the mailbox): say HELLO, whose `sent` makes it give them back (HISTORY).
        if let sent = durable.conversation(n, { $0?.contiguousSent }), upTo > sent, upTo > (session?.theirAck[n] ?? 0) {
            session?.theirAck[n] = upTo
            let ack = durable.conversation(n, { $0?.contiguousReceived }) ?? 0
            toPeer(friend, .hello(endpoint: endpoint, ack: ack, sent: sent, isReply: true))
        }
        if upTo < acked {
            // It holds less than it once confirmed: its data was wiped. What it lost counts as
            // unconfirmed again, and goes out again (directly or through the mailbox).
            event(.note("\(friend) holds only up to #\(upTo) of ours (was #\(acked)): sending the rest again"))
            persist(.resetAcked(peer: friend, to: upTo), contact: n)
            session?.deposits.forget(to: friend, above: upTo)
            return
        }
        guard upTo > acked else { return }
        session?.roundTrips[n]?.acknowledged(upTo: upTo, at: now)
        let lastSent = durable.conversation(n, { $0?.lastSentSeq }) ?? 0
        persist(.markAcked(peer: friend, upTo: min(upTo, lastSent)), contact: n)
        // A retry sent only the first unconfirmed message (`retransmit`): now the rest.
        if session?.resending.contains(friend) == true { flush(friend) }
    }

    /// A message from `sender`, directly or from the mailbox. Returns the highest seq held
    /// with nothing missing below it: the cumulative ack. `contact`: the sender's number, when
    /// the caller has it.
    @discardableResult
    mutating func accept(from sender: String, contact: Int? = nil, seq: UInt64, _ arrival: Arrival, direct: Bool = false) -> UInt64 {
        // Seqs start at 1. A 0 is no message of the sequence: taking it would make the pair's
        // cumulative ack stick below it for good (protocol.md 6.2).
        guard seq >= 1 else {
            event(.refused("refused \(sender)#0: sequence numbers start at 1"))
            return durable.conversations[sender]?.contiguousReceived ?? 0
        }
        // The sender's number, its name looked up once: what follows reads and writes by it.
        let n = contact ?? number(sender)
        // Read in place: a copy of the conversation (`?? Conversation()`) retained and released
        // its lists at every message, and only a duplicate needs more than the last seq.
        let last = durable.conversation(n, { $0?.lastReceivedSeq }) ?? 0
        if seq <= last {
            // Taken out of the arrival only here: for the next message in sequence it was a
            // copy (a retain and a release of its body, proof and group) that nothing read.
            let item: HistoryItem? = if case let .message(m) = arrival { m } else { nil }
            let held = durable.conversation(n, { $0?.record(seq, outgoing: false) })
            if held == nil || (held!.isSkip && item != nil) {
                store(from: sender, n, seq: seq, arrival)  // fills a hole left by a restore, or a skipped seq
            } else if let held, held.isShown, let item, held.body != item.body || held.group != item.group {
                // Same seq, another message: the sender lost its history (a wipe) and numbered
                // a new message again. Show it what we hold from there; it renumbers its own.
                event(.note("\(sender) used #\(seq) again for another message: giving back what we hold"))
                giveBack(to: sender, from: seq)
            } else if !config.dedupe {
                // Fault injection (`PeerConfig.dedupe` off): keep the copy, as a broken
                // receiver would. It goes in as the next record, the only place one fits.
                store(from: sender, n, seq: last + 1, arrival)
            } else if let held, let item, held.proof.isEmpty, !item.proof.isEmpty, held.body == item.body, held.group == item.group {
                // The same message, now with its sender's proof (ours came from a backup or
                // the mailbox): keep the proof, so we can give the message back after a wipe.
                persist(.overwrite(ChatRecord(peer: sender, outgoing: false, seq: seq, body: held.body, group: held.group,
                                              kind: held.kind, proof: item.proof)), contact: n)
                event(.duplicate(from: sender, seq: seq))
            } else {
                event(.duplicate(from: sender, seq: seq))
            }
            return durable.conversation(n, { $0?.contiguousReceived }) ?? 0
        }
        if seq > last + 1, direct, !config.holdBack {
            // Fault injection (`PeerConfig.holdBack` off): take a direct message now, as a
            // receiver that trusts its connection to keep order would, in the next place,
            // ahead of those it overtook.
            store(from: sender, n, seq: last + 1, arrival)
            return durable.conversation(n, { $0?.contiguousReceived }) ?? 0
        }
        if seq > last + 1 {
            switch session?.heldBack.hold(arrival, from: sender, seq: seq, next: last + 1) {
            case .beyondWindow?:
                event(.refused("refused \(sender)#\(seq): beyond the hold-back window (expecting #\(last + 1))"))
            case .full?:
                event(.refused("refused \(sender)#\(seq): the hold-back buffer is full (expecting #\(last + 1))"))
            case nil:
                event(.heldBack(from: sender, seq: seq, expecting: last + 1))
            }
            return durable.conversation(n, { $0?.contiguousReceived }) ?? 0
        }
        store(from: sender, n, seq: seq, arrival)
        var next = seq + 1
        while let held = session?.heldBack.take(from: sender, seq: next) {
            store(from: sender, n, seq: next, held)
            next += 1
        }
        return durable.conversation(n, { $0?.contiguousReceived }) ?? 0
    }

    /// `sender` says (HELLO) it holds its messages to us up to `sent` and no further: what we
    /// hold back above that is either still in its outbox, and comes again, or gone from its
    /// directory (a wipe). Gone, it must not be released behind the messages the restored
    /// sender numbers anew: they come first in its order.
    mutating func forgetHeldBack(from sender: String, above sent: UInt64) {
        guard session?.heldBack.forget(from: sender, above: sent) == true else { return }
        event(.note("forgot what \(sender) sent after #\(sent) and we held back: it no longer holds it"))
    }

    /// Stores the next message of a sender. A group message for a group we are not in (we
    /// left, or it was destroyed, while it travelled), or from a sender we do not see in
    /// that group, is kept as discarded: never shown, but the sequence stays whole so what
    /// follows is not held back forever. So is a SKIP, a message the sender lost for good.
    private mutating func store(from sender: String, _ n: Int, seq: UInt64, _ arrival: Arrival) {
        guard case let .message(item) = arrival else {
            persist(.store(.skipped(peer: sender, outgoing: false, seq: seq)), contact: n)
            return event(.note("\(sender) lost its message #\(seq) for good: skipped"))
        }
        let discarded = item.group.map { durable.groups[$0]?.members[sender] == nil } ?? false
        // The record moves into its write (its last use): the event reads the item instead.
        persist(storing: ChatRecord(peer: sender, outgoing: false, seq: seq, body: item.body, group: item.group,
                                    kind: discarded ? .discarded : .message, proof: item.proof), contact: n)
        if discarded {
            let why = durable.groups[item.group!] == nil ? "not a member" : "\(sender) is not a member"
            event(.note("discarded \(sender)#\(seq) for group \(item.group!): \(why)"))
        } else {
            event(.delivered(from: sender, seq: seq, text: String(decoding: item.body, as: UTF8.self), group: item.group))
        }
    }

    /// Mail from the registry: store in order per sender, then tell the registry what it may drop.
    mutating func acceptMail(_ items: [MailItem]) {
        var highest: [String: UInt64] = [:]
        for item in items.sorted(by: { ($0.from, $0.seq) < ($1.from, $1.seq) }) {
            highest[item.from] = accept(from: item.from, seq: item.seq, .message(HistoryItem(group: item.group, body: item.body, proof: item.proof)))
        }
        for (from, upTo) in highest.sorted(by: { $0.key < $1.key }) {
            toRegistry(.mailboxAck(from: from, upTo: upTo))
            if sees(from) != false { toPeer(from, .chatAck(upTo: upTo)) }
        }
    }
}

/// After a wipe: sequence numbers must not be used twice. A restored conversation may lack
/// messages the other side holds (the backup missed them), so until that side's HELLO says
/// how far it got, new messages to it wait without a seq (`PeerDurableState.queued`). When
/// it does: what it gave back (HISTORY) fills our history, holes nobody holds are skipped,
/// and the queue gets the seqs after everything either side has seen.
extension PeerMachine {
    /// Stores a new outgoing message with the next seq and returns it; or, for a contact not
    /// synced since a restore, queues it and returns nil.
    /// `contact`: the number of `peer`, when the caller has it.
    mutating func stage(to peer: String, contact: Int? = nil, _ item: HistoryItem) -> ChatRecord? {
        // Asked of the set only after a restore: `contains` hashes the name even when it is empty.
        if !durable.unsynced.isEmpty, durable.unsynced.contains(peer) {
            persist(.queue(peer: peer, item))
            event(.note("message to \(peer) waits until \(peer) says how far it got (after a restore)"))
            return nil
        }
        let n = contact ?? number(peer)
        let seq = durable.conversation(n, { $0?.nextSentSeq }) ?? 1
        let record = ChatRecord(peer: peer, outgoing: true, seq: seq, body: item.body, group: item.group)
        persist(storing: record, contact: n)
        return record
    }

    /// `friend` holds our messages 1...`theirAck`, and has given back (HISTORY) whatever else
    /// of ours it holds: its HELLO answered ours, and it sends HISTORY before that answer.
    /// We are in step again: skip our holes it does not hold either, and send what was queued.
    /// Only an answer to our HELLO will do: a HELLO of its own may come before its HISTORY,
    /// and a seq used on that basis could be one it holds beyond a hole.
    mutating func sync(_ friend: String, theirAck: UInt64) {
        guard durable.unsynced.contains(friend) else { return }
        let c = durable.conversations[friend] ?? Conversation()
        var skipped: [UInt64] = []
        // Seqs still in the registry's mailbox are not lost: the friend gets them from there.
        // Those below them that nobody holds are, and must be skipped, or the mailed ones
        // would wait behind them for ever.
        let top = c.nextSentSeq - 1
        if top > theirAck {
            for seq in (theirAck + 1)...top where !c.holds(seq, outgoing: true) && !c.reserved.contains(seq) {
                persist(.store(.skipped(peer: friend, outgoing: true, seq: seq)))
                skipped.append(seq)
            }
        }
        if !skipped.isEmpty { event(.note("our messages #\(skipped.map(String.init).joined(separator: ", #")) to \(friend) are lost: skipped")) }
        // It holds more of ours than we do, and the HISTORY that gives them back may be lost
        // (it is sent once): reserve its highest, so that no new message, now or after a
        // crash, takes a seq it holds. Such a message would count as confirmed by its ack
        // and never go out (chaos seed 239 with a fault point: the send written, then the
        // crash before it left), or count as a copy of what it holds (--network seed 900023).
        // Its acknowledgement is kept too (`acked`, above anything we hold): the reservation
        // is then known for one of what it holds, not of the mailbox's, and a later login
        // whose mail marks do not list it does not skip it (`skipReservedGone`; chaos
        // `--network` seeds 11657 and 11843 at 8 peers and 150 steps: the HISTORY lost, the
        // reservation skipped, and the message never asked for again).
        if theirAck > top {
            persist(.reserve(peer: friend, seq: theirAck))
            persist(.markAcked(peer: friend, upTo: theirAck))
        }
        // Never below what it holds from us: a seq it has must not be reused.
        var next = max(c.nextSentSeq, theirAck + 1)
        for item in durable.queued[friend] ?? [] {
            persist(.store(ChatRecord(peer: friend, outgoing: true, seq: next, body: item.body, group: item.group)))
            next += 1
        }
        if durable.queued[friend] != nil { persist(.dequeue(peer: friend)) }
        persist(.markSynced(friend))
        flush(friend)
    }
}
