/// The registry as a pure state machine: accounts, look-ups, friend requests for offline
/// users, the mailbox and the backup. It never relays live chat and treats bodies as opaque.
///
/// Who is online is memory only: after a restart the registry knows no one until peers
/// announce themselves again (they do, when a PING is answered with `known: false`).
public struct RegistryMachine {
    public private(set) var durable: RegistryDurableState
    /// Logged-in users and the endpoint each announced, by account number (`AccountBook`).
    var endpoints = ContactSlots<String>()
    /// Effects of the input being handled: while `handle` or `passwordChecked` runs, the
    /// caller's buffer (swapped in and back out); empty between inputs.
    var out: [RegistryEffect] = []
    var now = SimInstant.zero
    /// REGISTER and LOGIN waiting for their password check (`PasswordCheck`), by check id.
    var checks: [UInt64: PendingCheck] = [:]
    var nextCheck: UInt64 = 1
    var throttle = LoginThrottle()
    /// Octets of mail pages each recipient may still be sent (`MailBudget`), by account.
    var mailBudgets = ContactSlots<MailBudget>()
    /// News messages (`WireMessage.isNews`) sent each online user since its last LOGIN, by
    /// account number, told in each PONG so the user notices one it missed. Memory only, like
    /// `endpoints`.
    var news = ContactSlots<UInt32>()
    /// Requests carried out lately, to answer a repeat of one without carrying it out again.
    var memory = RequestMemory()

    /// A REGISTER or LOGIN whose password is being hashed or checked off the loop.
    struct PendingCheck {
        /// Who sent it, as the transport tells: the answer goes back to it.
        var client: String
        var request: AccountRequest
    }

    /// Passwords are hashed by the shell (`PasswordCheck`), never by the machine, so the
    /// machine needs no hasher.
    public init(durable: RegistryDurableState) {
        self.durable = durable
    }

    /// A message from `sender`: for REGISTER and LOGIN, the connection's identity (a key over
    /// CURVE, the routing id inside one process), otherwise the account it belongs to.
    /// `now` drives only the login throttle. Appends its effects to `effects`, after what it
    /// already holds: the driver hands one buffer to every input of a batch, so handling a
    /// message makes no array of its own.
    public mutating func handle(from sender: String, _ message: WireMessage, now: SimInstant = .zero,
                                into effects: inout [RegistryEffect]) {
        swap(&out, &effects)
        defer { swap(&out, &effects) }
        self.now = now
        // The sender's number: the one look-up of its name, for the memory of requests and the message.
        let n = durable.users.number(of: sender)
        guard let req = message.requestNumber, req != 0 else { return dispatch(sender, n, message) }
        let key = RequestMemory.Key(client: sender, user: n, req: req)
        switch memory.lookup(key, message, now: now) {
        case .underWay:
            out.append(.note("repeated \(message.kind.name) req=\(req) from \(sender): its password check is under way"))
        case let .answered(answers):
            out.append(.note("repeated \(message.kind.name) req=\(req) from \(sender): answered again"))
            // News sent again is news sent: the peer counts each copy it gets, and a PONG that
            // counted one copy fewer would hide the next one lost (5.2).
            for case let .send(.peer(user, _), m) in answers {
                if let n = durable.users.number(of: user) { countNews(n, m) }
            }
            out += answers
        case .new:
            // Only this message's effects: the buffer may hold those of earlier inputs.
            let start = out.endIndex
            dispatch(sender, n, message)
            let mine = out[start...]
            let checking = mine.contains { if case .checkPassword = $0 { true } else { false } }
            memory.remember(key, message, answers: checking ? nil : mine, now: now)
        }
    }

    /// `handle(from:_:now:into:)` into a new array.
    public mutating func handle(from sender: String, _ message: WireMessage, now: SimInstant = .zero) -> [RegistryEffect] {
        var effects: [RegistryEffect] = []
        handle(from: sender, message, now: now, into: &effects)
        return effects
    }

    /// The outcome of a `PasswordCheck` this machine asked for; its effects are appended to
    /// `effects`, as `handle` does.
    public mutating func passwordChecked(_ id: UInt64, _ outcome: PasswordCheck.Outcome, now: SimInstant = .zero,
                                         into effects: inout [RegistryEffect]) {
        swap(&out, &effects)
        defer { swap(&out, &effects) }
        self.now = now
        if let check = checks.removeValue(forKey: id) {
            let start = out.endIndex
            finish(check, outcome)
            let key = RequestMemory.Key(client: check.client, user: durable.users.number(of: check.client), req: check.request.req)
            memory.answered(key, out[start...])
        }
    }

    /// `passwordChecked(_:_:now:into:)` into a new array.
    public mutating func passwordChecked(_ id: UInt64, _ outcome: PasswordCheck.Outcome, now: SimInstant = .zero) -> [RegistryEffect] {
        var effects: [RegistryEffect] = []
        passwordChecked(id, outcome, now: now, into: &effects)
        return effects
    }

    /// Password checks asked for and not yet answered.
    public var checksUnderWay: Int { checks.count }

    mutating func persist(_ m: RegistryMutation) {
        durable.apply(m)
        out.append(.persist(m))
    }

    /// Logged-in users and the endpoint each announced, by name.
    public var online: ContactTable<String> { durable.users.table(endpoints) }

    /// Sends to user `n` at the endpoint they last announced.
    mutating func send(_ n: Int, _ m: WireMessage) {
        guard let ep = endpoints[n] ?? durable.users.account(n)?.endpoint else { return }
        countNews(n, m)
        out.append(.send(.peer(name: durable.users.name(n), endpoint: ep), m))
    }

    /// Sends to a user, by name, at the endpoint they last announced.
    mutating func send(_ user: String, _ m: WireMessage) {
        if let n = durable.users.number(of: user) { send(n, m) }
    }

    /// Sends to user `n` if online.
    mutating func push(_ n: Int, _ m: WireMessage) {
        if endpoints[n] != nil { send(n, m) }
    }

    /// Counts `m` in the news sent user `n` since its login, if it is news and `n` is online:
    /// what the next PONG tells it, to find news lost on the way (protocol.md 5.2).
    mutating func countNews(_ n: Int, _ m: WireMessage) {
        if m.isNews, endpoints[n] != nil { news.change(n, from: 0) { $0 &+= 1 } }
    }

    mutating func push(_ user: String, _ m: WireMessage) {
        if let n = durable.users.number(of: user) { push(n, m) }
    }

    func info(_ user: String) -> FriendInfo {
        guard let n = durable.users.number(of: user) else { return FriendInfo(name: user, endpoint: "", online: false, key: []) }
        let account = durable.users.account(n)
        return FriendInfo(name: user, endpoint: endpoints[n] ?? account?.endpoint ?? "", online: endpoints[n] != nil,
                          key: account?.key ?? [])
    }

    /// `x`'s message, `x` looked up once (in `handle`): `n` is its number, `me` the same if it
    /// is an account (nil if not: only REGISTER, LOGIN and LOGOUT are taken from others).
    private mutating func dispatch(_ x: String, _ n: Int?, _ message: WireMessage) {
        let me = n.flatMap { durable.users.account($0) == nil ? nil : $0 }
        switch message {
        case .register, .login:
            if let request = AccountRequest(message) { account(x, request) }

        case .logout:
            guard let n else { return }
            endpoints[n] = nil
            news[n] = nil

        case .ping:
            guard let me else { return }
            send(me, .pong(known: endpoints[me] != nil, news: news[me] ?? 0))
            // Mail pushed while the link was down is lost; it stays here until acknowledged,
            // so offer it again (the recipient drops what it already has).
            if endpoints[me] != nil, !durable.users.mailbox(me).isEmpty { offerMail(me, after: nil) }

        case let .friendRequest(req, to):
            guard me != nil else { return }
            if let error = refuseRequest(from: x, to: to) { return send(x, .reply(req: req, error: error)) }
            persist(.addRequest(from: x, to: to))
            push(to, .friendRequestNotice(from: x))
            send(x, .reply(req: req, error: nil))

        case let .friendAnswer(req, to, accept):
            guard me != nil else { return }
            guard durable.requests[x]?.contains(to) == true else {
                return send(x, .reply(req: req, error: "no pending friend request from \(to)"))
            }
            persist(.removeRequest(from: to, to: x))
            if accept {
                // Both may have asked: the friendship answers the other request too.
                if durable.requests[to]?.contains(x) == true { persist(.removeRequest(from: x, to: to)) }
                persist(.addFriendship(x, to))
                push(to, .friendAdded(info(x)))
                send(x, .friendAdded(info(to)))
            }
            send(x, .reply(req: req, error: nil))

        case let .unfriend(req, other):
            guard me != nil else { return }
            guard durable.areFriends(x, other) else { return send(x, .reply(req: req, error: "\(other) is not a friend")) }
            persist(.removeFriendship(x, other))
            push(other, .friendRemoved(name: x))
            send(x, .reply(req: req, error: nil))

        case let .deposit(to, seq, body, proof):
            // Only friends may leave mail: the mailbox is not a way to spam strangers.
            guard durable.areFriends(x, to) else { return out.append(.note("refused DEPOSIT from \(x) to \(to): not friends")) }
            deposit(from: x, to: to, MailItem(from: x, seq: seq, body: body, proof: proof))

        case let .groupDeposit(to, seq, group, body, proof):
            guard durable.areFriends(x, to) || durable.shareGroup(x, to) else {
                return out.append(.note("refused GROUP-DEPOSIT from \(x) to \(to): no friendship or group in common"))
            }
            deposit(from: x, to: to, MailItem(from: x, seq: seq, body: body, group: group, proof: proof))

        case let .createGroup(req, _), let .invite(req, _, _), let .joinGroup(req, _), let .leaveGroup(req, _), let .destroyGroup(req, _):
            guard me != nil else { return }
            if let error = groupCommand(x, message) { send(x, .reply(req: req, error: error)) } else { send(x, .reply(req: req, error: nil)) }

        case let .mailboxAck(from, upTo):
            if let n, durable.users.mailbox(n).contains(where: { $0.from == from && $0.seq <= upTo }) {
                persist(.removeMail(to: x, from: from, upTo: upTo))
            }

        case let .mailFetch(after, seq):
            guard let me else { return }
            offerMail(me, after: after.isEmpty ? nil : (after, seq))

        case let .mailDrop(from, seq):
            guard let n, durable.users.mailbox(n).contains(where: { $0.from == from && $0.seq == seq }) else { return }
            persist(.dropMail(to: x, from: from, seq: seq))
            out.append(.note("deleted mail \(from)#\(seq) for \(x): \(x) could not open it"))
            // Its sender counted it as held here (DEPOSIT-ACK) and would never deposit it
            // again: only the recipient can tell that it was sealed to a key it has lost.
            push(from, .mailReturned(to: x, seq: seq))

        case let .backup(entry):
            guard let me else { return }
            keepBackup(entry, of: me, named: x)

        case let .backups(entries):
            // Each entry as a BACKUP of its own, in order, within this one input (one commit).
            guard let me else { return }
            for entry in entries { keepBackup(entry, of: me, named: x) }

        case let .backupFetch(req, from):
            // A read: a repeat (the peer retries until answered) is simply answered again.
            guard let me else { return }
            let page = durable.backupPage(me, from: from)
            send(me, .backupPage(req: req, waiting: page.waiting, entries: page.entries))

        default:
            out.append(.note("unexpected \(message.kind.name) from \(x)"))
        }
    }

    /// One backup entry of user `me` (named `x`): kept unless the backup is full (refused and
    /// noted), a repeat of one held idempotent. BACKUP's and BACKUPS's one rule.
    private mutating func keepBackup(_ entry: BackupEntry, of me: Int, named x: String) {
        guard durable.backupHasRoom(me, for: entry) else {
            return out.append(.note("refused BACKUP \(entry.outgoing ? "to" : "from")=\(entry.peer)#\(entry.seq) from \(x): its backup is full"))
        }
        // Applied and asked in one go: `hasBackup` and then `apply` hashed the entry's key
        // (two names) twice, at every BACKUP.
        guard durable.addBackup(me, entry) else { return }
        out.append(.persist(.addBackup(user: x, entry)))
    }

    func groupInfo(_ name: String) -> GroupInfo {
        let g = durable.groups[name]!
        return GroupInfo(name: name, owner: g.owner, members: g.members.sorted().map(info))
    }

    /// Carries out a group command; returns why it was refused, or nil. Every member hears of
    /// every change (GROUP-UPDATE); offline members read the state from their login snapshot.
    private mutating func groupCommand(_ x: String, _ message: WireMessage) -> String? {
        switch message {
        case let .createGroup(_, group):
            guard PeerName.isValidUser(group) else { return "'\(group)' is not a valid group name" }
            guard durable.groups[group] == nil else { return "the group name '\(group)' is taken" }
            persist(.createGroup(name: group, owner: x))
            send(x, .groupUpdate(groupInfo(group)))
        case let .invite(_, group, member):
            guard let g = durable.groups[group] else { return "no group '\(group)'" }
            guard g.owner == x else { return "only the owner of \(group), \(g.owner), can invite" }
            guard durable.account(member) != nil else { return "no such user '\(member)'" }
            guard !g.members.contains(member) else { return "\(member) is already a member of \(group)" }
            guard durable.areFriends(x, member) else { return "\(member) is not a friend of \(x)" }
            persist(.addInvitation(group: group, member: member))
            push(member, .groupInvite(group: group, owner: x))
        case let .joinGroup(_, group):
            guard let g = durable.groups[group] else { return "no group '\(group)'" }
            guard g.invited.contains(x) else { return "\(x) has no invitation to \(group)" }
            persist(.joinGroup(group: group, member: x))
            let info = groupInfo(group)
            for m in info.members.map(\.name) where m != x { push(m, .groupUpdate(info)) }
            send(x, .groupUpdate(info))
        case let .leaveGroup(_, group):
            guard let g = durable.groups[group], g.members.contains(x) else { return "\(x) is not a member of \(group)" }
            guard g.owner != x else { return "the owner cannot leave \(group); destroy it instead" }
            persist(.leaveGroup(group: group, member: x))
            let info = groupInfo(group)
            for m in info.members.map(\.name) { push(m, .groupUpdate(info)) }
            send(x, .groupRemoved(group: group, reason: "\(x) left"))
        case let .destroyGroup(_, group):
            guard let g = durable.groups[group] else { return "no group '\(group)'" }
            guard g.owner == x else { return "only the owner of \(group), \(g.owner), can destroy it" }
            persist(.destroyGroup(group))
            for m in g.members.sorted() where m != x { push(m, .groupRemoved(group: group, reason: "\(x) destroyed it")) }
            for m in g.invited.sorted() { push(m, .groupRemoved(group: group, reason: "\(x) destroyed it")) }
            send(x, .groupRemoved(group: group, reason: "destroyed"))
        default:
            preconditionFailure("not a group command")
        }
        return nil
    }

    private func refuseRequest(from x: String, to: String) -> String? {
        if to == x { return "cannot befriend yourself" }
        if durable.account(to) == nil { return "no such user '\(to)'" }
        if durable.areFriends(x, to) { return "\(to) is already a friend" }
        let pending = durable.requests[to] ?? []
        if pending.count >= RegistryLimits.pendingRequests, !pending.contains(x) {
            return "\(to) has too many pending friend requests: try again later"
        }
        return nil
    }
}
