/// Group chats. The registry keeps the group directory (owner, members, invitations) and
/// tells every member of each change; messages go from the sender to each member directly,
/// on the same per-pair sequence as one-to-one messages, so offline, crashed or partitioned
/// members get them later through the same retry and mailbox paths, exactly once, in order.
extension PeerMachine {
    mutating func runGroup(_ command: GroupCommand, id: CommandID) {
        guard session != nil else { return complete(id, CommandFailure("\(name) is not logged in")) }
        switch command {
        case let .create(group):
            guard PeerName.isValidUser(group) else { return complete(id, CommandFailure("'\(group)' is not a valid group name")) }
            guard durable.groups[group] == nil else { return complete(id, CommandFailure("the group name '\(group)' is taken")) }
            let req = request(.group, command: id)
            toRegistry(.createGroup(req: req, group: group))

        case let .invite(group, member):
            guard let g = durable.groups[group] else { return complete(id, CommandFailure("\(name) is not in a group '\(group)'")) }
            guard g.owner == name else { return complete(id, CommandFailure("only the owner of \(group), \(g.owner), can invite")) }
            guard durable.friends[member] != nil else { return complete(id, CommandFailure("\(member) is not a friend of \(name)")) }
            guard g.members[member] == nil else { return complete(id, CommandFailure("\(member) is already a member of \(group)")) }
            let req = request(.group, command: id)
            toRegistry(.invite(req: req, group: group, member: member))

        case let .join(group):
            guard durable.invitations[group] != nil else { return complete(id, CommandFailure("\(name) has no invitation to \(group)")) }
            let req = request(.group, command: id)
            toRegistry(.joinGroup(req: req, group: group))

        case let .leave(group):
            guard let g = durable.groups[group] else { return complete(id, CommandFailure("\(name) is not a member of \(group)")) }
            guard g.owner != name else { return complete(id, CommandFailure("the owner cannot leave \(group); destroy it instead")) }
            let req = request(.leaveGroup(group), command: id)
            toRegistry(.leaveGroup(req: req, group: group))

        case let .destroy(group):
            guard let g = durable.groups[group] else { return complete(id, CommandFailure("\(name) is not a member of \(group)")) }
            guard g.owner == name else { return complete(id, CommandFailure("only the owner of \(group), \(g.owner), can destroy it")) }
            let req = request(.group, command: id)
            toRegistry(.destroyGroup(req: req, group: group))

        case let .send(group, text):
            guard let g = durable.groups[group] else { return complete(id, CommandFailure("\(name) is not a member of \(group)")) }
            let body = Array(text.utf8)
            guard body.count <= WireCodec.maxBodySize else {
                return complete(id, CommandFailure("message is \(body.count) bytes, over the limit of \(WireCodec.maxBodySize)"))
            }
            var records: [ChatRecord] = []
            for member in g.members.keys.sorted() where member != name {
                if let record = stage(to: member, HistoryItem(group: group, body: body)) { records.append(record) }
            }
            complete(id, nil)  // stored for every member: `send-group` has succeeded
            for r in records { transmit(r) }
        }
    }

    /// A fellow member's HELLO carries its endpoint now: take it into every group we share,
    /// as the registry's GROUP-UPDATE would have (one lost to a cut link leaves the old one,
    /// and our answers would go nowhere).
    mutating func memberMoved(_ member: String, to ep: String) {
        for g in durable.groups.keys.sorted() {
            guard let view = durable.groups[g], let old = view.members[member], old != ep else { continue }
            var members = view.members
            members[member] = ep
            let infos = members.keys.sorted().map { FriendInfo(name: $0, endpoint: members[$0]!, online: false) }
            persist(.setGroup(GroupInfo(name: g, owner: view.owner, members: infos)))
        }
    }

    /// What the registry tells us about groups: invitations, membership changes, the end of a group.
    mutating func groupNews(_ message: WireMessage) {
        switch message {
        case let .groupInvite(group, owner):
            guard durable.invitations[group] != owner else { return }
            persist(.addInvitation(GroupInvitation(group: group, owner: owner)))
            event(.groupInvitation(group: group, owner: owner))
        case let .groupUpdate(info):
            if durable.invitations[info.name] != nil { persist(.removeInvitation(group: info.name)) }
            guard info.members.contains(where: { $0.name == name }) else {
                if durable.groups[info.name] != nil { persist(.removeGroup(info.name)) }
                return
            }
            info.members.forEach { learnKey($0) }
            guard durable.groups[info.name] != GroupView(info) else { return }
            persist(.setGroup(info))
            event(.groupChanged(group: info.name, members: info.members.map(\.name)))
        case let .groupRemoved(group, reason):
            if durable.invitations[group] != nil { persist(.removeInvitation(group: group)) }
            guard durable.groups[group] != nil else { return }
            persist(.removeGroup(group))
            event(.groupRemoved(group: group, reason: reason))
        default:
            break
        }
    }
}
