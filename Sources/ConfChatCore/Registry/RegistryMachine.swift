/// The registry as a pure state machine: accounts, look-ups, friend requests for offline
/// users, the mailbox and the backup. It never relays live chat and treats bodies as opaque.
///
/// Who is online is memory only: after a restart the registry knows no one until peers
/// announce themselves again (they do, when a PING is answered with `known: false`).
public struct RegistryMachine {
    public private(set) var durable: RegistryDurableState
    /// Logged-in users and the endpoint each announced.
    public private(set) var online: [String: String] = [:]
    let hasher: any PasswordHasher
    var out: [RegistryEffect] = []

    public init(durable: RegistryDurableState, hasher: any PasswordHasher) {
        self.durable = durable
        self.hasher = hasher
    }

    public mutating func handle(from sender: String, _ message: WireMessage) -> [RegistryEffect] {
        defer { out.removeAll(keepingCapacity: true) }
        dispatch(sender, message)
        return out
    }

    private mutating func persist(_ m: RegistryMutation) {
        durable.apply(m)
        out.append(.persist(m))
    }

    /// Sends to a user at the endpoint they last announced.
    private mutating func send(_ user: String, _ m: WireMessage) {
        guard let ep = online[user] ?? durable.accounts[user]?.endpoint else { return }
        out.append(.send(.peer(name: user, endpoint: ep), m))
    }

    private mutating func push(_ user: String, _ m: WireMessage) {
        if online[user] != nil { send(user, m) }
    }

    private func info(_ user: String) -> FriendInfo {
        FriendInfo(name: user, endpoint: online[user] ?? durable.accounts[user]?.endpoint ?? "", online: online[user] != nil,
                   key: durable.accounts[user]?.key ?? [])
    }

    private mutating func dispatch(_ x: String, _ message: WireMessage) {
        switch message {
        case let .register(req, name, password, endpoint, key):
            let x = name
            guard PeerName.isValidUser(x) else { return send(x, .reply(req: req, error: "'\(x)' is not a valid user name")) }
            guard durable.accounts[x] == nil else {
                return out.append(.send(.peer(name: x, endpoint: endpoint), .reply(req: req, error: "the name '\(x)' is taken")))
            }
            persist(.addAccount(name: x, hash: hasher.hash(password), endpoint: endpoint, key: key))
            send(x, .reply(req: req, error: nil))

        case let .login(req, name, password, endpoint, wantBackup, key):
            let x = name
            guard let account = durable.accounts[x] else {
                return out.append(.send(.peer(name: x, endpoint: endpoint), .reply(req: req, error: "unknown user '\(x)'")))
            }
            guard hasher.verify(password, against: account.hash) else {
                return out.append(.send(.peer(name: x, endpoint: endpoint), .reply(req: req, error: "wrong password")))
            }
            if account.endpoint != endpoint || account.key != key { persist(.setEndpoint(name: x, endpoint: endpoint, key: key)) }
            online[x] = endpoint
            if account.endpoint != endpoint {
                // Fellow group members who are not friends learn endpoints only from here.
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
            let snapshot = LoginSnapshot(
                friends: (durable.friends[x] ?? []).sorted().map(info),
                requests: durable.requests[x] ?? [],
                mailbox: durable.mailbox[x] ?? [],
                backup: wantBackup ? durable.backups[x] ?? [] : [],
                backupMarks: durable.backupMarks(x),
                groups: durable.groups.keys.sorted().filter { durable.groups[$0]!.members.contains(x) }.map(groupInfo),
                invitations: durable.groups.keys.sorted().filter { durable.groups[$0]!.invited.contains(x) }
                    .map { GroupInvitation(group: $0, owner: durable.groups[$0]!.owner) },
                mailMarks: durable.mailMarks(from: x))
            send(x, .loginReply(req: req, snapshot: snapshot))

        case .logout:
            online[x] = nil

        case .ping:
            guard durable.accounts[x] != nil else { return }
            send(x, .pong(known: online[x] != nil))
            // Mail pushed while the link was down is lost; it stays here until acknowledged,
            // so offer it again (the recipient drops what it already has).
            if online[x] != nil, let items = durable.mailbox[x], !items.isEmpty { send(x, .mailbox(items)) }

        case let .friendRequest(req, to):
            guard durable.accounts[x] != nil else { return }
            if let error = refuseRequest(from: x, to: to) { return send(x, .reply(req: req, error: error)) }
            persist(.addRequest(from: x, to: to))
            push(to, .friendRequestNotice(from: x))
            send(x, .reply(req: req, error: nil))

        case let .friendAnswer(req, to, accept):
            guard durable.accounts[x] != nil else { return }
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
            guard durable.accounts[x] != nil else { return }
            guard durable.areFriends(x, other) else { return send(x, .reply(req: req, error: "\(other) is not a friend")) }
            persist(.removeFriendship(x, other))
            push(other, .friendRemoved(name: x))
            send(x, .reply(req: req, error: nil))

        case let .deposit(to, seq, body, proof):
            // Only friends may leave mail: the mailbox is not a way to spam strangers.
            guard durable.areFriends(x, to) else { return out.append(.note("refused DEPOSIT from \(x) to \(to): not friends")) }
            let item = MailItem(from: x, seq: seq, body: body, proof: proof)
            persist(.addMail(to: to, item))
            send(x, .depositAck(to: to, seq: seq))
            // A recipient the registry sees online gets it now: this also bridges a link that
            // is cut between two peers who both still reach the registry.
            push(to, .mailbox([item]))

        case let .groupDeposit(to, seq, group, body, proof):
            guard durable.areFriends(x, to) || durable.shareGroup(x, to) else {
                return out.append(.note("refused GROUP-DEPOSIT from \(x) to \(to): no friendship or group in common"))
            }
            let item = MailItem(from: x, seq: seq, body: body, group: group, proof: proof)
            persist(.addMail(to: to, item))
            send(x, .depositAck(to: to, seq: seq))
            push(to, .mailbox([item]))

        case let .createGroup(req, _), let .invite(req, _, _), let .joinGroup(req, _), let .leaveGroup(req, _), let .destroyGroup(req, _):
            guard durable.accounts[x] != nil else { return }
            if let error = groupCommand(x, message) { send(x, .reply(req: req, error: error)) } else { send(x, .reply(req: req, error: nil)) }

        case let .mailboxAck(from, upTo):
            if durable.mailbox[x]?.contains(where: { $0.from == from && $0.seq <= upTo }) == true {
                persist(.removeMail(to: x, from: from, upTo: upTo))
            }

        case let .backup(entry):
            guard durable.accounts[x] != nil, !durable.hasBackup(x, entry) else { return }
            persist(.addBackup(user: x, entry))

        default:
            out.append(.note("unexpected \(message.kind.name) from \(x)"))
        }
    }

    private func groupInfo(_ name: String) -> GroupInfo {
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
            guard durable.accounts[member] != nil else { return "no such user '\(member)'" }
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
        if durable.accounts[to] == nil { return "no such user '\(to)'" }
        if durable.areFriends(x, to) { return "\(to) is already a friend" }
        return nil
    }
}
