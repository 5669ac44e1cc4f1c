/// Peer-to-peer traffic and the session timers: presence by heartbeats between friends.
///
/// A friend is online from the moment anything arrives from them, offline at once on BYE,
/// and offline after `presenceTimeout` of silence. Friends that timed out are still probed
/// with heartbeats, which is how two sides of a healed partition find each other again.
extension PeerMachine {
    mutating func fromPeer(_ sender: String, _ message: WireMessage) {
        // Only friends and fellow group members talk to a logged-in peer; anything else is
        // dropped (and noted). Presence is followed for friends only.
        let friend = durable.friends[sender] != nil
        guard session != nil, friend || durable.endpoint(of: sender) != nil else {
            event(.note("ignored \(message.kind.name) from \(sender): \(session == nil ? "not logged in" : "not a contact")"))
            return
        }
        switch message {
        case .hello, .heartbeat, .bye, .history:
            guard friend else { return event(.note("ignored \(message.kind.name) from \(sender): not a friend")) }
            fromFriend(sender, message)
        case let .chat(seq, body):
            if friend { heard(sender, reason: "message") }
            let upTo = accept(from: sender, seq: seq, body: body)
            toPeer(sender, .chatAck(upTo: upTo))
        case let .groupChat(seq, group, body):
            if friend { heard(sender, reason: "message") }
            let upTo = accept(from: sender, seq: seq, body: body, group: group)
            toPeer(sender, .chatAck(upTo: upTo))
        case let .chatAck(upTo):
            if friend { heard(sender, reason: "ack") }
            acknowledged(sender, upTo: upTo)
        default:
            event(.note("unexpected \(message.kind.name) from peer \(sender)"))
        }
    }

    private mutating func fromFriend(_ sender: String, _ message: WireMessage) {
        switch message {
        case let .hello(ep, ack, sent, isReply):
            if durable.friends[sender] != ep { persist(.setFriend(name: sender, endpoint: ep)) }
            heard(sender, reason: "hello")
            let c = durable.conversations[sender] ?? Conversation()
            if ack < c.acked {
                event(.note("\(sender) holds only up to #\(ack) of ours (was #\(c.acked)): sending the rest again"))
                persist(.resetAcked(peer: sender, to: ack))
            } else {
                acknowledged(sender, upTo: ack)
            }
            if sent < c.lastReceivedSeq {
                // The sender lost part of its own history: give it back what we hold.
                let lost = c.received.filter { $0.seq > sent }
                if let first = lost.first?.seq, lost.last?.seq == first + UInt64(lost.count) - 1 {
                    toPeer(sender, .history(first: first, items: lost.map { HistoryItem(group: $0.group, body: $0.body) }))
                }
            }
            if !isReply {
                toPeer(sender, .hello(endpoint: endpoint, ack: c.lastReceivedSeq, sent: c.lastSentSeq, isReply: true))
            }
            flush(sender)
        case let .history(first, items):
            let last = durable.conversations[sender]?.lastSentSeq ?? 0
            // Only a history that continues ours without a gap is taken.
            guard first >= 1, first <= last + 1 else { break }
            for (i, item) in items.enumerated() where first + UInt64(i) > last {
                persist(.store(ChatRecord(peer: sender, outgoing: true, seq: first + UInt64(i), body: item.body, group: item.group)))
            }
            if let top = durable.conversations[sender]?.lastSentSeq, top > last {
                event(.note("\(sender) gave back our messages #\(last + 1)...#\(top)"))
                acknowledged(sender, upTo: top)
            }
        case .heartbeat:
            if heard(sender, reason: "heartbeat") { flush(sender) }
        case .bye:
            session?.presence[sender]?.loggedOut = true
            if session?.presence[sender]?.online == true {
                session?.presence[sender]?.online = false
                event(.presence(friend: sender, online: false, reason: "logged out"))
            }
        default:
            break
        }
    }

    /// Records that `friend` is alive. Returns true if they just came online.
    @discardableResult
    mutating func heard(_ friend: String, reason: String) -> Bool {
        var p = session?.presence[friend] ?? FriendPresence()
        p.lastHeard = now
        p.loggedOut = false
        let cameOnline = !p.online
        p.online = true
        session?.presence[friend] = p
        if cameOnline { event(.presence(friend: friend, online: true, reason: reason)) }
        return cameOnline
    }

    mutating func fire(_ timer: PeerTimer) {
        switch timer {
        case let .heartbeat(epoch):
            guard let s = session, s.epoch == epoch else { return }
            for friend in durable.sortedFriends {
                guard let p = s.presence[friend], !p.loggedOut else { continue }
                if p.online, now - p.lastHeard >= config.presenceTimeout {
                    session?.presence[friend]?.online = false
                    event(.presence(friend: friend, online: false, reason: "silent for \(now - p.lastHeard)ms"))
                    depositUnacked(friend)
                }
                // A friend we do not hear from is probed with HELLO, not HEARTBEAT: it
                // carries our endpoint, so a friend who kept a stale one (we restarted while
                // it was away, or the registry handed it an old one) can answer again.
                if session?.presence[friend]?.online == true { toPeer(friend, .heartbeat) } else { greet(friend) }
            }
            emit(.schedule(.heartbeat(epoch: epoch), at: now + config.heartbeatInterval))
        case let .retry(epoch):
            guard let s = session, s.epoch == epoch else { return }
            for contact in durable.contacts(except: name) where !(durable.conversations[contact]?.unacked.isEmpty ?? true) {
                event(.note("retrying unconfirmed messages to \(contact)"))
                flush(contact)
            }
            emit(.schedule(.retry(epoch: epoch), at: now + config.retryInterval))
        case let .registryPing(epoch):
            guard let s = session, s.epoch == epoch else { return }
            // Until a LOGIN of this session got through (we logged in while the registry was
            // down or cut off), the registry may hold an old endpoint and a PONG would go
            // there: announce ourselves again, as after a PONG that does not know us.
            if s.pingsUnanswered >= 2 { session?.announced = false }
            if session?.announced == true {
                session?.pingsUnanswered += 1
                toRegistry(.ping)
            } else {
                fromRegistry(.pong(known: false))
            }
            emit(.schedule(.registryPing(epoch: epoch), at: now + config.registryPingInterval))
        case let .requestTimeout(req):
            guard let p = pending.removeValue(forKey: req) else { return }
            complete(p.command, CommandFailure("the registry did not answer within \(config.requestTimeout)ms"))
        }
    }
}
