/// Messages from the registry: replies to our requests and the news it pushes.
extension PeerMachine {
    mutating func fromRegistry(_ message: WireMessage) {
        session?.awaitingFirstAnswer = false
        if message.isNews { session?.newsReceived &+= 1 }
        switch message {
        case let .reply(req, error):
            let verdict = ReplyVerdict(error)
            guard let p = answered(req, busy: verdict.isBusy) else { return }
            if case let .busy(refusal) = verdict, waitAfterBusy(p, refusal: refusal) { return }
            replied(p, failure: verdict.failure)

        case let .loginReply(req, snapshot):
            // The registry counts news from each login on, this one too.
            session?.newsReceived = 0
            guard let p = answered(req), case let .login(password, local) = p.kind else { return }
            if !local {
                guard session == nil else { return complete(p.command, CommandFailure("\(name) is already logged in")) }
                // The session starts once the whole backup is restored (`restoreLogin`), page by page.
                return restoreLogin(snapshot, password: password, command: p.command)
            } else if session != nil {
                adopt(snapshot)
                complete(p.command, nil)
            }
            if session != nil { takeNews(snapshot) }

        case let .backupPage(req, waiting, entries):
            guard let p = answered(req), case let .restore(password, snapshot) = p.kind else { return }
            restorePage(entries, waiting: waiting, snapshot: snapshot, password: password, command: p.command)

        case let .friendRequestNotice(from):
            guard durable.friends[from] == nil, !durable.requests.contains(from) else { return }
            persist(.addRequest(from))
            event(.friendRequest(from: from))

        case let .friendAdded(info):
            learnKey(info)
            befriend(info.name, endpoint: info.endpoint, greetsNew: accepting(info.name))

        case let .friendRemoved(other):
            unfriend(other)

        case let .depositAck(to, seq):
            depositAcknowledged(to: to, seq: seq)

        case let .mailReturned(to, seq):
            if session != nil { mailReturned(to: to, seq: seq) }

        case let .mailbox(items):
            if session != nil { acceptMail(items) }

        case let .mailPage(waiting, items):
            guard session != nil else { return }
            acceptMail(items)
            fetchMail(after: items.last, waiting: waiting)

        case let .depositRefused(to, seq, reason):
            guard session != nil else { return }
            // Kept in the outbox, unconfirmed: sent directly when `to` comes online, or
            // deposited again once the wait is over.
            session?.mailboxFull[to] = now + Self.mailboxFullWait
            event(.note("the registry refused our mail #\(seq) to \(to) (\(reason)): kept, to send later"))

        case .groupInvite, .groupUpdate, .groupRemoved:
            groupNews(message)

        case let .pong(known, news):
            session?.pingsUnanswered = 0
            // A registry that restarted forgot who is online: announce ourselves again. One
            // that sent news we did not get (lost on the way): log in again for its whole view.
            let missed = known && news != session?.newsReceived
            if missed { event(.note("the registry sent \(news) news since our login, we got \(session?.newsReceived ?? 0): logging in again")) }
            if !known || missed, let s = session, !pending.values.contains(where: { if case .login = $0.kind { true } else { false } }) {
                requestLogin(password: s.password, local: true, command: nil)
            }

        default:
            event(.refused("unexpected \(message.kind.name) from the registry"))
        }
    }

    /// What a LOGIN-REPLY brings a session: mail, the marks of what the registry holds of
    /// ours (in mailboxes, in the backup). A restored peer takes it once its backup is in.
    mutating func takeNews(_ snapshot: LoginSnapshot) {
        session?.announced = true
        // The registry answers again: what waits for it (deposits) goes at the next retry.
        session?.retries.resetAll()
        // What the registry no longer holds of ours (a MAIL-RETURNED we missed, say)
        // is deposited again.
        session?.deposits.keep(only: snapshot.mailMarks)
        skipReservedGone(snapshot.mailMarks)
        acceptMail(snapshot.mailbox)
        fetchMail(after: snapshot.mailbox.last, waiting: snapshot.mailWaiting)
        catchUpBackup(snapshot.backupMarks)
    }

    /// How long a sender waits before depositing again to a recipient whose mailbox was full.
    static let mailboxFullWait: Int64 = 10_000

    /// Asks for the next page of mail if the registry said more waits: after the last item of
    /// this page, or from the start if every item of it was dropped (it did not open).
    private mutating func fetchMail(after last: MailItem?, waiting: MailWaiting) {
        guard waiting.items > 0 else { return }
        toRegistry(.mailFetch(after: last?.from ?? "", seq: last?.seq ?? 0))
    }

    /// Mail that does not open: no one can read it, so it is dropped, and the registry is
    /// told to delete it, or it would offer it for ever.
    mutating func dropMail(from: String, seq: UInt64) {
        event(.note("dropped mail \(from)#\(seq): it does not open with our key"))
        toRegistry(.mailDrop(from: from, seq: seq))
    }

    private mutating func replied(_ p: PendingRequest, failure: CommandFailure?) {
        if let failure {
            if case .login(_, local: true) = p.kind { event(.note("the registry refused the login: \(failure)")) }
            return complete(p.command, failure)
        }
        switch p.kind {
        case let .register(password):
            persist(.setCredentials(hash: prover.credentials(user: name, password: password)))
        case let .answer(other, accept):
            if durable.requests.contains(other) { persist(.removeRequest(other)) }
            if accept, durable.friends[other] == nil { return refreshView(completing: p.command) }
        case let .enterGroup(group):
            if durable.groups[group] == nil { return refreshView(completing: p.command) }
        case let .unfriend(other):
            unfriend(other)
        case let .leaveGroup(group):
            if durable.groups[group] != nil { persist(.removeGroup(group)) }
        case .addFriend, .login, .group, .restore:
            break
        }
        complete(p.command, nil)
    }

    /// A request succeeded but the news it causes for us (FRIEND-ADDED, GROUP-UPDATE, sent
    /// before the REPLY) has not come: lost, or late on a network that reorders. A LOGIN
    /// fetches the registry's whole view, and the command completes with its answer.
    private mutating func refreshView(completing command: CommandID?) {
        guard let s = session else { return complete(command, nil) }
        requestLogin(password: s.password, local: true, command: command)
    }

    /// Takes the registry's view of friends and requests: it is the authority on both.
    mutating func adopt(_ snapshot: LoginSnapshot) {
        let theirs = Set(snapshot.friends.map(\.name))
        for gone in durable.sortedFriends where !theirs.contains(gone) { unfriend(gone) }
        for f in snapshot.friends {
            learnKey(f)
            befriend(f.name, endpoint: f.endpoint)
        }
        let requests = Set(snapshot.requests)
        for r in durable.requests.sorted() where !requests.contains(r) { persist(.removeRequest(r)) }
        for r in snapshot.requests where !durable.requests.contains(r) && durable.friends[r] == nil {
            persist(.addRequest(r))
            event(.friendRequest(from: r))
        }
        let groups = Set(snapshot.groups.map(\.name))
        for g in durable.groups.keys.sorted() where !groups.contains(g) {
            persist(.removeGroup(g))
            event(.groupRemoved(group: g, reason: "gone while we were away"))
        }
        for g in snapshot.groups {
            g.members.forEach { learnKey($0) }
            if durable.groups[g.name] != GroupView(g) { persist(.setGroup(g)) }
        }
        let invitations = Set(snapshot.invitations.map(\.group))
        for g in durable.invitations.keys.sorted() where !invitations.contains(g) { persist(.removeInvitation(group: g)) }
        for i in snapshot.invitations where durable.invitations[i.group] != i.owner {
            persist(.addInvitation(i))
            event(.groupInvitation(group: i.group, owner: i.owner))
        }
    }

    /// Records a user's public key as the registry vouches for it: the shell checks senders
    /// against these keys and seals mail to them.
    /// A changed key means the user's data was wiped: what we deposited for it was sealed to
    /// the old key, which it has lost, so our retries deposit it again, sealed to the new one
    /// (`DepositLedger` holds each deposit's key), whichever message brought the new key.
    mutating func learnKey(_ info: FriendInfo) {
        guard !info.key.isEmpty, info.name != name, durable.keys[info.name] != info.key else { return }
        persist(.setKey(name: info.name, key: info.key))
    }

    /// Adds or updates a friend. `greetsNew`: whether a new friend is greeted at once. A
    /// friendship is one HELLO and its answer (protocol.md 5.3): the side that accepted greets
    /// (`accepting`), the side whose request it was waits for that HELLO and answers it. A new
    /// friend that is not greeted is still probed at the next heartbeat until heard from (6.5),
    /// which is what meets a HELLO that was lost, or came before its FRIEND-ADDED and was ignored.
    /// A friend found in a LOGIN-REPLY is greeted: the registry pushed nothing for it that
    /// another HELLO would answer.
    mutating func befriend(_ other: String, endpoint ep: String, greetsNew: Bool = true) {
        let isNew = durable.friends[other] == nil
        let moved = !isNew && durable.friends[other] != ep
        if durable.friends[other] != ep { persist(.setFriend(name: other, endpoint: ep)) }
        if durable.requests.contains(other) { persist(.removeRequest(other)) }
        if isNew { event(.friendAdded(other)) }
        if isNew, session != nil {
            let n = number(other)
            session?.presence[n] = FriendPresence()
            if greetsNew { greet(other) }
        } else if moved, presence(of: other)?.online == false {
            // The registry knows a newer endpoint than the one we could not reach: say
            // hello there (a friend who said goodbye is not probed, so nothing else would).
            greet(other)
        }
    }

    /// Whether our FRIEND-ANSWER accepting `other` waits for its REPLY: the registry sends the
    /// FRIEND-ADDED it causes just before that REPLY, after pushing its own FRIEND-ADDED to
    /// `other`, so `other` most likely knows of the friendship when our HELLO arrives.
    func accepting(_ other: String) -> Bool {
        pending.values.contains { if case .answer(other, accept: true) = $0.kind { true } else { false } }
    }

    mutating func unfriend(_ other: String) {
        guard durable.friends[other] != nil else { return }
        persist(.removeFriend(other))
        if let n = durable.contact(other) { session?.presence[n] = nil }
        event(.friendRemoved(other))
    }
}
