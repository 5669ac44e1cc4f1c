/// Everything a peer keeps in its data directory: credentials, friends, pending requests
/// and conversations. A restart rebuilds the peer from this alone.
public struct PeerDurableState: Hashable, Sendable {
    /// Argon2id hash of the password (PHC string), never the password itself.
    public var credentials: String?
    /// Friends and the endpoint each last announced.
    public var friends: [String: String] = [:]
    /// Users whose friend requests wait for an answer.
    public var requests: Set<String> = []
    public var conversations: [String: Conversation] = [:]
    /// Groups this peer is a member of.
    public var groups: [String: GroupView] = [:]
    /// Invitations waiting for `join`: group -> owner.
    public var invitations: [String: String] = [:]
    /// Public keys of friends and fellow members, as the registry vouched for them.
    public var keys: [String: [UInt8]] = [:]
    /// Friends whose conversation was restored (after a wipe) and not yet compared with
    /// theirs: new messages to them wait in `queued`, without a seq, so that a seq they
    /// already hold from before the wipe is never used again.
    public var unsynced: Set<String> = []
    /// Messages accepted for an unsynced friend, in the order they were sent.
    public var queued: [String: [HistoryItem]] = [:]

    public init() {}

    public mutating func apply(_ m: PeerMutation) {
        switch m {
        case let .setCredentials(hash): credentials = hash
        case let .setFriend(name, endpoint): friends[name] = endpoint
        case let .removeFriend(name): friends[name] = nil
        case let .addRequest(name): requests.insert(name)
        case let .removeRequest(name): requests.remove(name)
        case let .store(record), let .restore(record): store(record)
        case let .setGroup(info): groups[info.name] = GroupView(info)
        case let .setKey(name, key): keys[name] = key
        case let .markUnsynced(names): unsynced.formUnion(names)
        case let .markSynced(name): unsynced.remove(name)
        case let .overwrite(record): conversations[record.peer, default: Conversation()].overwrite(record)
        case let .queue(peer, item): queued[peer, default: []].append(item)
        case let .dequeue(peer): queued[peer] = nil
        case let .reserve(peer, seq): conversations[peer, default: Conversation()].reserved.insert(seq)
        case let .removeGroup(name): groups[name] = nil
        case let .addInvitation(inv): invitations[inv.group] = inv.owner
        case let .removeInvitation(group): invitations[group] = nil
        case let .resetAcked(peer, to):
            conversations[peer, default: Conversation()].acked = to
        case let .markAcked(peer, upTo):
            conversations[peer, default: Conversation()].raiseAcked(to: upTo)  // one look-up, in place
        }
    }

    /// Applies `.store(record)` (and `.restore`) and says whether `record` is now what is held
    /// at its seq: false when a copy already there was left as it was and differs.
    @discardableResult
    mutating func store(_ record: ChatRecord) -> Bool {
        // In place: a copy taken out and written back would share the history's buffers,
        // so each append would copy the whole conversation.
        conversations[record.peer, default: Conversation()].store(record)
    }

    public var sortedFriends: [String] { friends.keys.sorted() }

    /// Where to reach a friend or a fellow group member, nil for anyone else.
    public func endpoint(of name: String) -> String? {
        if let ep = friends[name] { return ep }
        for g in groups.keys.sorted() { if let ep = groups[g]!.members[name] { return ep } }
        return nil
    }

    /// Everyone this peer exchanges messages with: friends and fellow group members, sorted.
    public func contacts(except me: String) -> [String] {
        var all = Set(friends.keys)
        for g in groups.values { all.formUnion(g.members.keys) }
        all.remove(me)
        return all.sorted()
    }
}
