/// Peer-to-peer traffic and the session timers: presence by heartbeats between friends.
///
/// A friend is online from the moment anything arrives from them, offline at once on BYE,
/// and offline after `presenceTimeout` of silence. Friends that timed out are still probed
/// with heartbeats, which is how two sides of a healed partition find each other again.
extension PeerMachine {
    mutating func fromPeer(_ sender: String, _ message: WireMessage) {
        // Only friends and fellow group members talk to a logged-in peer; anything else is
        // dropped (and noted). Presence is followed for friends only.
        // A friend's endpoint, kept for the answer: a CHAT's CHAT-ACK need not look it up again.
        let friendAt = durable.friends[sender]
        let friend = friendAt != nil
        guard session != nil, friend || durable.endpoint(of: sender) != nil else {
            event(.refused("ignored \(message.kind.name) from \(sender): \(session == nil ? "not logged in" : "not a contact")"))
            return
        }
        switch message {
        case let .skip(seq):
            if friend { heard(sender, reason: "message") }
            let upTo = accept(from: sender, seq: seq, .skip)
            toPeer(sender, .chatAck(upTo: upTo))
        case .history, .hello:
            fromFriend(sender, message)  // fellow group members compare notes after a restore too
        case .heartbeat, .bye:
            guard friend else { return event(.refused("ignored \(message.kind.name) from \(sender): not a friend")) }
            fromFriend(sender, message)
        case let .chat(seq, body, proof):
            if friend { heard(sender, reason: "message") }
            let upTo = accept(from: sender, seq: seq, .message(HistoryItem(group: nil, body: body, proof: proof)), direct: true)
            // Storing a message changes no endpoint: a friend's is the one read above.
            if let friendAt { out.append(.send(.peer(name: sender, endpoint: friendAt), .chatAck(upTo: upTo))) } else { toPeer(sender, .chatAck(upTo: upTo)) }
        case let .groupChat(seq, group, body, proof):
            if friend { heard(sender, reason: "message") }
            let upTo = accept(from: sender, seq: seq, .message(HistoryItem(group: group, body: body, proof: proof)), direct: true)
            toPeer(sender, .chatAck(upTo: upTo))
        case let .chatAck(upTo):
            if friend { heard(sender, reason: "ack") }
            acknowledged(sender, upTo: upTo)
            // What it holds now, not what its last HELLO said: a HISTORY acknowledges again
            // with this, and a stale value would take back confirmations (and resend).
            // One look-up, not two: this runs at every CHAT-ACK.
            if friend, let i = session?.theirAck.index(forKey: sender) { session?.theirAck.values[i] = upTo }
        default:
            event(.refused("unexpected \(message.kind.name) from peer \(sender)"))
        }
    }

    private mutating func fromFriend(_ sender: String, _ message: WireMessage) {
        switch message {
        case let .hello(ep, ack, sent, isReply):
            // From a fellow group member who is not a friend (comparing notes after a restore):
            // no presence, only its endpoint.
            if durable.friends[sender] != nil {
                if durable.friends[sender] != ep { persist(.setFriend(name: sender, endpoint: ep)) }
                heard(sender, reason: "hello")
            } else {
                memberMoved(sender, to: ep)
            }
            let c = durable.conversations[sender] ?? Conversation()
            forgetHeldBack(from: sender, above: sent)
            acknowledged(sender, upTo: ack)
            session?.theirAck[sender] = ack
            // The sender lost part of its own history: give back what we hold of it.
            if sent < c.lastReceivedSeq { giveBack(to: sender, from: sent + 1) }
            if !isReply {
                toPeer(sender, .hello(endpoint: endpoint, ack: c.contiguousReceived, sent: c.contiguousSent, isReply: true))
                // Not in step since a restore: ask in turn, and sync on the answer (see `sync`).
                if durable.unsynced.contains(sender) { greet(sender) }
            } else {
                sync(sender, theirAck: ack)
            }
            // What it does not hold goes again, the first message now and the rest once that is
            // confirmed (`retransmit`): a friend that was silent is slow more often than gone,
            // and its acknowledgement of the first covers what reaches it meanwhile.
            retransmit(sender)
        case let .history(first, items):
            guard first >= 1, first <= UInt64.max - UInt64(items.count) else {
                return event(.refused("refused HISTORY from \(sender): seqs #\(first) and on are not ours"))
            }
            let c = durable.conversations[sender] ?? Conversation()
            var given: [UInt64] = []
            var displaced: [ChatRecord] = []
            var unproven: [UInt64] = []
            for (i, item) in items.enumerated() {
                let seq = first + UInt64(i)
                guard isOurs(item, to: sender, seq: seq) else {
                    // Not proven ours: never taken as something we wrote. While we compare
                    // notes after a restore, a seq the friend holds is kept as a placeholder
                    // (never shown) so that it is not used again; otherwise nothing changes.
                    unproven.append(seq)
                    if durable.unsynced.contains(sender), !c.holds(seq, outgoing: true) {
                        persist(.store(.skipped(peer: sender, outgoing: true, seq: seq)))
                    }
                    continue
                }
                let theirs = ChatRecord(peer: sender, outgoing: true, seq: seq, body: item.body, group: item.group)
                if let mine = c.record(seq, outgoing: true), !mine.isSkip {
                    // A conflict: we used this seq again after a restore. What it holds stays
                    // at this seq; ours moves to the end and goes out again.
                    guard mine.body != item.body || mine.group != item.group else { continue }
                    persist(.overwrite(theirs))
                    displaced.append(mine)
                } else {
                    persist(.restore(theirs))
                }
                given.append(seq)
            }
            for mine in displaced {
                let seq = durable.conversations[sender]?.nextSentSeq ?? 1
                let moved = ChatRecord(peer: sender, outgoing: true, seq: seq, body: mine.body, group: mine.group)
                event(.note("our message #\(mine.seq) to \(sender) is now #\(seq)"))
                persist(.store(moved))
            }
            if !displaced.isEmpty {
                acknowledged(sender, upTo: displaced.map(\.seq).min()! - 1)
                flush(sender)
            }
            if let low = given.first, let high = given.last {
                event(.note("\(sender) gave back our messages #\(low)...#\(high)"))
            }
            if let low = unproven.first, let high = unproven.last {
                event(.refused("refused \(sender)'s HISTORY #\(low)...#\(high): not proven ours"))
            }
            if let theirAck = session?.theirAck[sender] { acknowledged(sender, upTo: theirAck) }
        case .heartbeat:
            if heard(sender, reason: "heartbeat") { retransmit(sender) }
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
        // In place, one look-up (this runs at every message from a friend). Without a
        // session there is no table to note it in, and the friend counts as just come online.
        let cameOnline = session?.presence[friend, default: FriendPresence()].heard(at: now) ?? true
        if cameOnline {
            session?.retries.reset(friend)
            event(.presence(friend: friend, online: true, reason: reason))
        }
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
                // it was away, or the registry handed it an old one) can answer again. So is
                // one we have not compared notes with since a restore, until it answers, and
                // one that holds more of our messages than we do (we lost some, and what gave
                // them back was lost on the way): its answer gives them back again.
                let behind = (s.theirAck[friend] ?? 0) > (durable.conversations[friend]?.lastSentSeq ?? 0)
                let synced = !durable.unsynced.contains(friend) && !behind
                if synced, session?.presence[friend]?.online == true { toPeer(friend, .heartbeat) } else { greet(friend) }
            }
            for member in durable.unsynced.sorted() where durable.friends[member] == nil { greet(member) }
            emit(.schedule(.heartbeat(epoch: epoch), at: now + config.heartbeatInterval))
        case let .retry(epoch):
            guard let s = session, s.epoch == epoch else { return }
            let (at, interval) = (now, config.retryInterval)
            for contact in durable.contacts(except: name) {
                guard let c = durable.conversations[contact], !c.unacked.isEmpty else {
                    session?.retries.reset(contact)
                    continue
                }
                guard session?.retries.due(contact, acked: c.acked, now: at, interval: interval) == true else { continue }
                event(.note("retrying unconfirmed messages to \(contact)"))
                retransmit(contact)
            }
            emit(.schedule(.retry(epoch: epoch), at: now + config.retryInterval))
        case let .registryPing(epoch):
            guard let s = session, s.epoch == epoch else { return }
            // Until a LOGIN of this session got through (we logged in while the registry was
            // down or cut off), the registry may hold an old endpoint and a PONG would go
            // there: announce ourselves again, as after a PONG that does not know us.
            // PINGs that got no answer mean the link to the registry was down: news it pushed
            // meanwhile (friends' new endpoints, mail) may be lost, so log in again for a
            // fresh snapshot as soon as it answers (`PeerSession.missedPongsBeforeLogin`).
            if s.pingsUnanswered >= PeerSession.missedPongsBeforeLogin { session?.announced = false }
            if session?.announced == true {
                session?.pingsUnanswered += 1
                toRegistry(.ping)
            } else {
                fromRegistry(.pong(known: false, news: 0))
            }
            emit(.schedule(.registryPing(epoch: epoch), at: now + config.registryPingInterval))
        case let .requestRetry(req):
            retryRequest(req)
        case let .requestTimeout(req):
            guard let p = takePending(req) else { return }
            if case .login = p.kind { session?.awaitingFirstAnswer = false }
            complete(p.command, p.refusal ?? CommandFailure("the registry did not answer within \(config.requestTimeout)ms", registryUnanswered: true))
        }
    }
}
