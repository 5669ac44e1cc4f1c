/// Everything a peer keeps in its data directory: credentials, friends, pending requests
/// and conversations. A restart rebuilds the peer from this alone.
public struct PeerDurableState: Hashable, Sendable {
    /// Argon2id hash of the password (PHC string), never the password itself.
    public var credentials: String?
    /// Friends and the endpoint each last announced, by name (kept by contact number, in `book`).
    public var friends: ContactTable<String> { book.friendTable }
    /// Users whose friend requests wait for an answer.
    public var requests: Set<String> = []
    /// Conversations and friends by contact number (`ContactBook`): the machine's way in, one
    /// name looked up an input.
    private(set) var book = ContactBook()
    /// Conversations by name, for everyone who knows contacts by name.
    public var conversations: ContactTable<Conversation> { book.conversationTable }
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

    public mutating func apply(_ m: PeerMutation) { apply(m, contact: nil) }

    /// Applies `m`; `contact` is the number of the contact whose conversation it changes, when
    /// the caller has it already (the machine looked the name up once, at the input's edge),
    /// nil to look it up by the name the mutation carries.
    mutating func apply(_ m: PeerMutation, contact n: Int?) {
        switch m {
        case let .setCredentials(hash): credentials = hash
        case let .setFriend(name, endpoint): book.setEndpoint(number(n, name), endpoint)
        case let .removeFriend(name): if let f = n ?? book.number(of: name) { book.setEndpoint(f, nil) }
        case let .addRequest(name): requests.insert(name)
        case let .removeRequest(name): requests.remove(name)
        case let .store(record), let .restore(record): store(record, contact: n)
        case let .setGroup(info): groups[info.name] = GroupView(info)
        case let .setKey(name, key): keys[name] = key
        case let .markUnsynced(names): unsynced.formUnion(names)
        case let .markSynced(name): unsynced.remove(name)
        case let .overwrite(record): book.change(number(n, record.peer)) { $0.overwrite(record) }
        case let .queue(peer, item): queued[peer, default: []].append(item)
        case let .dequeue(peer): queued[peer] = nil
        case let .reserve(peer, seq): book.change(number(n, peer)) { _ = $0.reserved.insert(seq) }
        case let .removeGroup(name): groups[name] = nil
        case let .addInvitation(inv): invitations[inv.group] = inv.owner
        case let .removeInvitation(group): invitations[group] = nil
        case let .resetAcked(peer, to): book.change(number(n, peer)) { $0.acked = to }
        case let .markAcked(peer, upTo): book.change(number(n, peer)) { $0.raiseAcked(to: upTo) }
        }
    }

    /// Applies `.store(record)` (and `.restore`) and says whether `record` is now what is held
    /// at its seq: false when a copy already there was left as it was and differs.
    /// `contact`: the number of `record.peer`, nil to look it up.
    @discardableResult
    mutating func store(_ record: ChatRecord, contact n: Int? = nil) -> Bool {
        book.change(number(n, record.peer)) { $0.store(record) }
    }

    /// The number of contact `name`, a new one if it had none (`ContactBook`): not a change
    /// of the state's value, which numbers are no part of.
    mutating func enter(_ name: String) -> Int { book.enter(name) }

    /// The number of contact `name`, nil if the state never referred to it: the one look-up
    /// by name an input makes (`ContactBook`).
    func contact(_ name: String) -> Int? { book.number(of: name) }

    /// Reads the conversation with contact `n` (nil if there is none) where it lies, and
    /// returns what `read` makes of it: `durable.conversation(n, { $0?.acked })`. A function
    /// returning the conversation handed back a copy, which retained and released its three
    /// lists at each read (11 retains a message in callgrind); so did a `_read` accessor,
    /// which yielded a copy of the array's element (about 5.6 copies a delivered message,
    /// docs/performance.md, "Copies on the message path"). Only what `read` returns is copied.
    func conversation<R>(_ n: Int, _ read: (Conversation?) -> R) -> R { book.readConversation(n, read) }

    /// Contact `n`'s endpoint if it is a friend, nil if it is not.
    func friendEndpoint(_ n: Int) -> String? { book.endpoint(n) }

    /// `n` if the caller has it, else the number of `name`.
    private mutating func number(_ n: Int?, _ name: String) -> Int {
        if let n { return n }
        return book.enter(name)
    }

    public var sortedFriends: [String] { friends.keys.sorted() }

    /// Where to reach a friend or a fellow group member, nil for anyone else.
    public func endpoint(of name: String) -> String? {
        if let n = contact(name), let ep = book.endpoint(n) { return ep }
        for g in groups.keys.sorted() { if let ep = groups[g]!.members[name] { return ep } }
        return nil
    }

    /// Everyone this peer exchanges messages with: friends and fellow group members, sorted,
    /// each once.
    ///
    /// A list sorted, then its repeats left out: the retry timer asks at every tick of a
    /// logged-in peer, and a `Set` of the few names (each hashed, the set allocated, then
    /// sorted into an array) cost about 3.9 k instructions a call, 18.5 M of the
    /// 10,000-statement scenario's 4,720 ticks.
    public func contacts(except me: String) -> [String] {
        var all = friends.keys
        for g in groups.values { all.append(contentsOf: g.members.keys) }
        all.sort()
        var contacts: [String] = []
        contacts.reserveCapacity(all.count)
        for name in all where name != me && name != contacts.last { contacts.append(name) }
        return contacts
    }
}
