/// REGISTER and LOGIN: the two requests that name their account, and the only ones that cost
/// a password hash.
///
/// The answer goes back to the client that asked (`client`, at the endpoint its request
/// gave), never to whoever else holds or claims the name: a refused registration of a taken
/// name, an invalid name, a login from a new key while an old connection is open, all hear
/// why. The hash runs off the loop (`PasswordCheck`), so a flood of wrong passwords costs the
/// registry a bounded queue and the flooder a growing wait (`LoginThrottle`), not everyone
/// else their PONGs.
extension RegistryMachine {
    mutating func account(_ client: String, _ request: AccountRequest) {
        let (req, name, endpoint, key, isLogin) = (request.req, request.name, request.endpoint, request.key, request.isLogin)
        let asker = Address.peer(name: client, endpoint: endpoint)
        func refuse(_ why: String) { out.append(.send(asker, .reply(req: req, error: why))) }
        guard PeerName.isValidUser(name) else { return refuse("'\(name)' is not a valid user name") }
        let existing = durable.account(name)
        if isLogin, existing == nil { return refuse("unknown user '\(name)'") }
        if !isLogin, existing != nil { return refuse("the name '\(name)' is taken") }
        if !key.isEmpty, let owner = durable.accountByKey[key], owner != name {
            return refuse("this key is the key of another account")
        }
        let ownKey = isLogin && !key.isEmpty && key == existing?.key
        if let ms = throttle.wait(client: client, account: name, ownKey: ownKey, now: now) {
            return refuse("too many wrong passwords: try again in \((ms + 999) / 1000) s")
        }
        guard checks.values.filter({ $0.client == client }).count < RegistryLimits.passwordChecksPerClient else {
            return refuse(RegistryLimits.checkUnderWayRefusal)
        }
        guard checks.count < RegistryLimits.passwordChecks, throttle.hasRoom(for: client, now: now) else {
            return refuse(RegistryLimits.busyRefusal)
        }
        let id = nextCheck
        nextCheck += 1
        checks[id] = PendingCheck(client: client, request: request)
        let password = request.password
        let task: PasswordCheck.Task = if let existing { .verify(password: password, hash: existing.hash) } else { .hash(password: password) }
        out.append(.checkPassword(PasswordCheck(id: id, task: task)))
    }

    /// A password check came back: carry its request out against the state as it is now (the
    /// name may have been taken, the account changed, while the hash ran).
    mutating func finish(_ check: PendingCheck, _ outcome: PasswordCheck.Outcome) {
        let (req, name, endpoint, key) = (check.request.req, check.request.name, check.request.endpoint, check.request.key)
        switch (check.request.kind, outcome) {
        case let (.register, .hashed(hash)):
            let asker = Address.peer(name: check.client, endpoint: endpoint)
            guard durable.account(name) == nil else {
                return out.append(.send(asker, .reply(req: req, error: "the name '\(name)' is taken")))
            }
            if !key.isEmpty, durable.accountByKey[key] != nil {
                return out.append(.send(asker, .reply(req: req, error: "this key is the key of another account")))
            }
            persist(.addAccount(name: name, hash: hash, endpoint: endpoint, key: key))
            out.append(.send(asker, .reply(req: req, error: nil)))
        case let (.login(wantBackup), .verified(ok)):
            let asker = Address.peer(name: check.client, endpoint: endpoint)
            guard let n = durable.users.number(of: name), let account = durable.users.account(n) else {
                return out.append(.send(asker, .reply(req: req, error: "unknown user '\(name)'")))
            }
            let ownKey = !key.isEmpty && key == account.key
            if !key.isEmpty, let owner = durable.accountByKey[key], owner != name {
                return out.append(.send(asker, .reply(req: req, error: "this key is the key of another account")))
            }
            guard ok else {
                throttle.failed(client: check.client, account: name, ownKey: ownKey, now: now)
                return out.append(.send(asker, .reply(req: req, error: "wrong password")))
            }
            throttle.succeeded(client: check.client, account: name)
            logIn(n, account, endpoint: endpoint, key: key, wantBackup: wantBackup, req: req, asker: asker)
        default:
            // The shell answers each check with the outcome of its task (`PasswordCheck.run`):
            // a hash for REGISTER, a verdict for LOGIN. Anything else is a bug in the shell.
            preconditionFailure("a password check's outcome does not match its request")
        }
    }

    private mutating func logIn(_ n: Int, _ account: RegistryDurableState.Account, endpoint: String, key: [UInt8],
                                wantBackup: Bool, req: UInt32, asker: Address) {
        let x = durable.users.name(n)
        if account.endpoint != endpoint || account.key != key { persist(.setEndpoint(name: x, endpoint: endpoint, key: key)) }
        endpoints[n] = endpoint
        news[n] = 0
        if account.endpoint != endpoint || account.key != key {
            // Fellow group members who are not friends learn endpoints and keys only from
            // here: a key they do not know, they seal mail to the old one, which no longer opens.
            for g in durable.groups.keys.sorted() where durable.groups[g]!.members.contains(x) {
                let info = groupInfo(g)
                for m in info.members.map(\.name) where m != x { push(m, .groupUpdate(info)) }
            }
        }
        if account.key != key || account.endpoint != endpoint {
            // A new key (a new machine, a wiped data directory) or a new endpoint (a
            // restart): friends must learn it, before they seal mail to x or accept x's
            // messages, and to reach x if x cannot reach them first.
            for f in (durable.friends[x] ?? []).sorted() { push(f, .friendAdded(info(x))) }
        }
        // Over the mail budget the first page is empty and `mailWaiting` says what waits.
        let mail = budgetedPage(n, after: nil) ?? ([], durable.mailWaiting(n))
        // The backup's first page; the peer fetches the rest (BACKUP-FETCH).
        let backup = wantBackup ? durable.backupPage(n, from: 0) : ([], .none)
        let snapshot = LoginSnapshot(
            friends: (durable.friends[x] ?? []).sorted().map(info),
            requests: durable.requests[x] ?? [],
            mailbox: mail.items,
            backup: backup.entries,
            backupMarks: durable.backupMarks(x),
            groups: durable.groups.keys.sorted().filter { durable.groups[$0]!.members.contains(x) }.map(groupInfo),
            invitations: durable.groups.keys.sorted().filter { durable.groups[$0]!.invited.contains(x) }
                .map { GroupInvitation(group: $0, owner: durable.groups[$0]!.owner) },
            mailMarks: durable.mailMarks(from: x),
            mailWaiting: mail.waiting,
            backupWaiting: backup.waiting)
        out.append(.send(asker, .loginReply(req: req, snapshot: snapshot)))
    }
}
