/// Peer-to-peer traffic and the session timers: presence by heartbeats between friends.
///
/// A friend is online from the moment anything arrives from them, offline at once on BYE,
/// and offline after `presenceTimeout` of silence. Friends that timed out are still probed
/// with heartbeats, which is how two sides of a healed partition find each other again.
extension PeerMachine {
    mutating func fromPeer(_ sender: String, _ message: WireMessage) {
        // Only friends and fellow group members talk to a logged-in peer; anything else is
        // dropped (and noted). Presence is followed for friends only.
        // The sender's number (`ContactBook`): the one look-up of its name; what follows reads
        // its conversation, presence and endpoint by number. A friend's endpoint is kept for
        // the answer: a CHAT's CHAT-ACK need not look it up again.
        let known = durable.contact(sender)
        let friendAt = known.flatMap { durable.friendEndpoint($0) }
        let friend = friendAt != nil
        guard session != nil, friend || durable.endpoint(of: sender) != nil else {
            event(.refused("ignored \(message.kind.name) from \(sender): \(session == nil ? "not logged in" : "not a contact")"))
            return
        }
        let n = known ?? number(sender)  // a fellow group member's first message
        switch message {
        case let .skip(seq):
            if friend { heard(sender, n, reason: "message") }
            let upTo = accept(from: sender, contact: n, seq: seq, .skip)
            toPeer(sender, .chatAck(upTo: upTo))
        case .history, .hello:
            fromFriend(sender, n, message)  // fellow group members compare notes after a restore too
        case .heartbeat, .bye:
            guard friend else { return event(.refused("ignored \(message.kind.name) from \(sender): not a friend")) }
            fromFriend(sender, n, message)
        case let .chat(seq, body, proof):
            if friend { heard(sender, n, reason: "message") }
            let upTo = accept(from: sender, contact: n, seq: seq, .message(HistoryItem(group: nil, body: body, proof: proof)), direct: true)
            // Storing a message changes no endpoint: a friend's is the one read above.
            if let friendAt { toFriend(sender, at: friendAt, .chatAck(upTo: upTo)) } else { toPeer(sender, .chatAck(upTo: upTo)) }
        case let .groupChat(seq, group, body, proof):
            if friend { heard(sender, n, reason: "message") }
            let upTo = accept(from: sender, contact: n, seq: seq, .message(HistoryItem(group: group, body: body, proof: proof)), direct: true)
            toPeer(sender, .chatAck(upTo: upTo))
        case let .chatAck(upTo):
            if friend { heard(sender, n, reason: "ack") }
            acknowledged(sender, contact: n, upTo: upTo)
            // What it holds now, not what its last HELLO said: a HISTORY acknowledges again
            // with this, and a stale value would take back confirmations (and resend).
            if friend, session?.theirAck[n] != nil { session?.theirAck[n] = upTo }
        default:
            event(.refused("unexpected \(message.kind.name) from peer \(sender)"))
        }
    }

    /// `n`: the sender's number.
    private mutating func fromFriend(_ sender: String, _ n: Int, _ message: WireMessage) {
        switch message {
        case let .hello(ep, ack, sent, isReply):
            // From a fellow group member who is not a friend (comparing notes after a restore):
            // no presence, only its endpoint.
            if let known = durable.friendEndpoint(n) {
                if known != ep { persist(.setFriend(name: sender, endpoint: ep), contact: n) }
                heard(sender, n, reason: "hello")
            } else {
                memberMoved(sender, to: ep)
            }
            let c = durable.conversation(n, { $0 }) ?? Conversation()
            forgetHeldBack(from: sender, above: sent)
            acknowledged(sender, contact: n, upTo: ack)
            session?.theirAck[n] = ack
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
            let c = durable.conversation(n, { $0 }) ?? Conversation()
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
                let seq = durable.conversation(n, { $0?.nextSentSeq }) ?? 1
                let moved = ChatRecord(peer: sender, outgoing: true, seq: seq, body: mine.body, group: mine.group)
                event(.note("our message #\(mine.seq) to \(sender) is now #\(seq)"))
                persist(.store(moved))
            }
            if !displaced.isEmpty {
                acknowledged(sender, contact: n, upTo: displaced.map(\.seq).min()! - 1)
                flush(sender)
            }
            if let low = given.first, let high = given.last {
                event(.note("\(sender) gave back our messages #\(low)...#\(high)"))
            }
            if let low = unproven.first, let high = unproven.last {
                event(.refused("refused \(sender)'s HISTORY #\(low)...#\(high): not proven ours"))
            }
            if let theirAck = session?.theirAck[n] { acknowledged(sender, contact: n, upTo: theirAck) }
        case .heartbeat:
            if heard(sender, n, reason: "heartbeat") { retransmit(sender) }
        case .bye:
            session?.presence[n]?.loggedOut = true
            if online(n) {
                session?.presence[n]?.online = false
                event(.presence(friend: sender, online: false, reason: "logged out"))
            }
        default:
            break
        }
    }

    /// Records that `friend` (number `n`) is alive. Returns true if they just came online.
    @discardableResult
    mutating func heard(_ friend: String, _ n: Int, reason: String) -> Bool {
        // In place, by number (this runs at every message from a friend). Without a session
        // there is no table to note it in, and the friend counts as just come online.
        let cameOnline = session?.presence.change(n, from: FriendPresence()) { $0.heard(at: now) } ?? true
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
            // A timer that fires late says this node did not run for that long (a stopped
            // process, a thread that got no core): what its friends sent meanwhile waits
            // unread in its inbox, so their silence counts only beyond that. 1,000 peers on two
            // cores (`bench --hosts 3 --peers 1000`) each saw both friends go offline about
            // three times a run, judged the moment they got a core, before reading.
            let (late, next) = (max(0, now - (s.heartbeatDue ?? now)), now + config.heartbeatInterval)
            session?.heartbeatDue = next
            for friend in durable.sortedFriends {
                guard let n = durable.contact(friend), let p = s.presence[n], !p.loggedOut else { continue }
                if p.online, now - p.lastHeard >= config.presenceTimeout + late {
                    session?.presence[n]?.online = false
                    event(.presence(friend: friend, online: false, reason: "silent for \(now - p.lastHeard)ms"))
                    depositUnacked(friend)
                }
                // A friend we do not hear from is probed with HELLO, not HEARTBEAT: it
                // carries our endpoint, so a friend who kept a stale one (we restarted while
                // it was away, or the registry handed it an old one) can answer again. So is
                // one we have not compared notes with since a restore, until it answers, and
                // one that holds messages of ours that we do not (we lost some, and what gave
                // them back was lost on the way): its answer gives them back again. A hole below
                // our last message counts too (chaos --network seed 11843: #2 given back by a
                // HISTORY lost twice while #3 was held); a SKIP of ours does not, since the
                // other side cannot give back what neither holds.
                let theirs = s.theirAck[n] ?? 0
                let behind = theirs > 0 && durable.conversation(n, { $0?.lacksSent(upTo: theirs) ?? true }) == true
                let synced = !durable.unsynced.contains(friend) && !behind
                if synced, online(n) { toPeer(friend, .heartbeat) } else { greet(friend) }
            }
            for member in durable.unsynced.sorted() where durable.friends[member] == nil { greet(member) }
            emit(.schedule(.heartbeat(epoch: epoch), at: next))
        case let .retry(epoch):
            guard let s = session, s.epoch == epoch else { return }
            let (at, interval) = (now, config.retryInterval)
            for contact in durable.contacts(except: name) {
                guard let c = durable.conversations[contact], !c.unacked.isEmpty else {
                    session?.retries.reset(contact)
                    continue
                }
                let first = durable.contact(contact).flatMap { session?.roundTrips[$0]?.firstWait(interval) }
                guard session?.retries.due(contact, acked: c.acked, now: at, interval: interval, firstWait: first) == true else { continue }
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
