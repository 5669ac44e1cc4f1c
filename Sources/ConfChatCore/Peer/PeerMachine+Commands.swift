/// The user's verbs. Each either completes at once (refused, or done locally) or sends a
/// request to the registry and completes when the reply arrives or the request times out.
extension PeerMachine {
    mutating func run(_ command: PeerCommand, id: CommandID) {
        switch command {
        case let .register(password):
            guard PeerName.isValidUser(name) else { return complete(id, CommandFailure("'\(name)' is not a valid user name")) }
            if let tooLong = Self.passwordTooLong(password) { return complete(id, tooLong) }
            let (me, ep, key) = (name, endpoint, publicKey)
            request(.register(password: password), command: id) { req in .register(req: req, name: me, password: password, endpoint: ep, key: key) }

        case let .login(password):
            guard session == nil else { return complete(id, CommandFailure("\(name) is already logged in")) }
            if let tooLong = Self.passwordTooLong(password) { return complete(id, tooLong) }
            if let stored = durable.credentials {
                // Local credentials first: login works with the registry down (docs/guarantees.md, guarantee 4).
                // They come from the derivation the session's proof key needs anyway, so checking
                // them costs no hash of its own. An older data directory holds a password hash
                // (Argon2id, PHC string) instead: checked by the hasher, then replaced by
                // credentials of this version, from the derivation the session makes next.
                let current = prover.checkCredentials(user: name, password: password, against: stored)
                guard current ?? hasher.verify(password, against: stored) else { return complete(id, CommandFailure("wrong password")) }
                if current == nil { persist(.setCredentials(hash: prover.credentials(user: name, password: password))) }
                startSession(password: password)
                session?.awaitingFirstAnswer = true
                complete(id, nil)
                requestLogin(password: password, local: true, command: nil)
            } else {
                // Nothing on disk (new machine, or wiped): the registry checks, and sends the backup.
                requestLogin(password: password, local: false, command: id)
            }

        case .logout:
            guard session != nil else { return complete(id, CommandFailure("\(name) is not logged in")) }
            for friend in durable.sortedFriends {
                if sees(friend) == true { toPeer(friend, .bye) }
                // Whatever the friend has not confirmed waits in the registry's mailbox: all of
                // it, as no retry follows a logout.
                depositUnacked(friend, all: true)
            }
            toRegistry(.logout(req: 0))
            session = nil
            complete(id, nil)

        case let .addFriend(other):
            guard session != nil else { return complete(id, CommandFailure("\(name) is not logged in")) }
            guard other != name else { return complete(id, CommandFailure("cannot befriend yourself")) }
            guard durable.friends[other] == nil else { return complete(id, CommandFailure("\(other) is already a friend")) }
            request(.addFriend(other), command: id) { req in .friendRequest(req: req, to: other) }

        case let .accept(other), let .decline(other):
            let accept = if case .accept = command { true } else { false }
            guard session != nil else { return complete(id, CommandFailure("\(name) is not logged in")) }
            // Not refused here when we do not know of the request: its notice may have been
            // lost on the way, and the registry, which holds the requests, decides.
            request(.answer(other, accept: accept), command: id) { req in .friendAnswer(req: req, to: other, accept: accept) }

        case let .removeFriend(other):
            guard session != nil else { return complete(id, CommandFailure("\(name) is not logged in")) }
            guard durable.friends[other] != nil else { return complete(id, CommandFailure("\(other) is not a friend")) }
            request(.unfriend(other), command: id) { req in .unfriend(req: req, other: other) }

        case let .group(command):
            runGroup(command, id: id)

        case let .send(to, text):
            guard session != nil else { return complete(id, CommandFailure("\(name) is not logged in")) }
            // The recipient's number: the one look-up of its name (`ContactBook`).
            guard let n = durable.contact(to), durable.friendEndpoint(n) != nil else {
                return complete(id, CommandFailure("\(to) is not a friend of \(name)"))
            }
            let body = Array(text.utf8)
            guard body.count <= WireCodec.maxBodySize else {
                return complete(id, CommandFailure("message is \(body.count) bytes, over the limit of \(WireCodec.maxBodySize)"))
            }
            guard let record = stage(to: to, contact: n, HistoryItem(group: nil, body: body)) else {
                return complete(id, nil)  // queued on our side until bob and we compare notes: accepted
            }
            complete(id, nil)  // stored on our side: `send` has succeeded
            transmit(record, contact: n)
        }
    }

    /// Starts a session: greet every friend we know an endpoint for, arm the session timers.
    mutating func startSession(password: String) {
        let epoch = nextEpoch
        nextEpoch += 1
        var s = PeerSession(epoch: epoch, password: password, proofKey: prover.proofKey(user: name, password: password))
        for friend in durable.sortedFriends { s.presence[number(friend)] = FriendPresence() }
        session = s
        for friend in durable.sortedFriends { greet(friend) }
        // Fellow group members get no HELLO as a rule, only while we compare notes after a restore.
        for member in durable.unsynced.sorted() where durable.friends[member] == nil { greet(member) }
        let heartbeatDue = now + config.heartbeatInterval
        session?.heartbeatDue = heartbeatDue
        emit(.schedule(.heartbeat(epoch: epoch), at: heartbeatDue))
        emit(.schedule(.retry(epoch: epoch), at: now + config.retryInterval))
        emit(.schedule(.registryPing(epoch: epoch), at: now + config.registryPingInterval))
    }

    mutating func greet(_ friend: String) {
        let c = durable.conversations[friend]
        toPeer(friend, .hello(endpoint: endpoint, ack: c?.contiguousReceived ?? 0, sent: c?.contiguousSent ?? 0, isReply: false))
    }

    /// A password the wire cannot carry, refused here rather than sent: the registry would
    /// drop the frame as malformed, and the user would only see the request time out.
    static func passwordTooLong(_ password: String) -> CommandFailure? {
        let size = password.utf8.count
        guard size > WireCodec.maxPasswordSize else { return nil }
        return CommandFailure("the password is \(size) bytes, over the limit of \(WireCodec.maxPasswordSize)")
    }

    /// Sends LOGIN. `local`: the session already started on local credentials, so this only
    /// fetches news; otherwise the login waits for the registry, and asks for the backup.
    mutating func requestLogin(password: String, local: Bool, command: CommandID?) {
        let (me, ep, key) = (name, endpoint, publicKey)
        request(.login(password: password, local: local), command: command) { req in
            .login(req: req, name: me, password: password, endpoint: ep, wantBackup: !local, key: key)
        }
    }
}
