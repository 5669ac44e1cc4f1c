/// What the registry keeps on disk: accounts, friendships, requests, mailboxes, backups.
public struct RegistryDurableState: Hashable, Sendable {
    public struct Account: Hashable, Sendable {
        public var hash: String
        public var endpoint: String
        public var key: [UInt8]
        public init(hash: String, endpoint: String, key: [UInt8] = []) {
            self.hash = hash
            self.endpoint = endpoint
            self.key = key
        }
    }

    /// Accounts, mailboxes and backups, by a number the state gives each user (`AccountBook`).
    public private(set) var users = AccountBook()
    public var friends: [String: Set<String>] = [:]
    /// Pending friend requests: recipient -> senders, in the order they were made.
    public var requests: [String: [String]] = [:]
    public var groups: [String: Group] = [:]

    /// A group in the directory: its owner, members in the order they joined, open invitations.
    public struct Group: Hashable, Sendable {
        public var owner: String
        public var members: [String]
        public var invited: Set<String> = []
        public init(owner: String, members: [String]) {
            self.owner = owner
            self.members = members
        }
    }
    /// Which account each (non-empty) key belongs to: a key names one account at most, so the
    /// sender of a message is never ambiguous (3.2 of docs/protocol.md).
    public private(set) var accountByKey: [[UInt8]: String] = [:]

    /// The accounts by name.
    public var accounts: ContactTable<Account> { users.accountTable }
    /// The mailboxes by recipient; a user with no item waiting has none.
    public var mailbox: ContactTable<[MailItem]> { users.mailboxTable }
    /// The backups by user, each in the order its entries came.
    public var backups: ContactTable<[BackupEntry]> { users.backupTable }

    public init() {}

    public mutating func apply(_ m: RegistryMutation) {
        switch m {
        case let .addAccount(name, hash, endpoint, key):
            users.setAccount(users.enter(name), Account(hash: hash, endpoint: endpoint, key: key))
            if !key.isEmpty { accountByKey[key] = name }
        case let .setEndpoint(name, endpoint, key):
            guard let n = users.number(of: name), let old = users.account(n)?.key else { return }
            if accountByKey[old] == name { accountByKey[old] = nil }
            users.changeAccount(n) { $0.endpoint = endpoint; $0.key = key }
            if !key.isEmpty { accountByKey[key] = name }
        case let .addRequest(from, to):
            if !(requests[to]?.contains(from) ?? false) { requests[to, default: []].append(from) }
        case let .removeRequest(from, to):
            requests[to]?.removeAll { $0 == from }
            if requests[to]?.isEmpty == true { requests[to] = nil }
        case let .addFriendship(a, b):
            friends[a, default: []].insert(b)
            friends[b, default: []].insert(a)
        case let .removeFriendship(a, b):
            friends[a]?.remove(b)
            friends[b]?.remove(a)
        case let .addMail(to, item):
            users.changeMailbox(users.enter(to)) { items in
                if !items.contains(where: { $0.from == item.from && $0.seq == item.seq }) { items.append(item) }
            }
        case let .removeMail(to, from, upTo):
            guard let n = users.number(of: to) else { return }
            users.changeMailbox(n) { $0.removeAll { $0.from == from && $0.seq <= upTo } }
        case let .dropMail(to, from, seq):
            guard let n = users.number(of: to) else { return }
            users.changeMailbox(n) { $0.removeAll { $0.from == from && $0.seq == seq } }
        case let .createGroup(name, owner): groups[name] = Group(owner: owner, members: [owner])
        case let .addInvitation(group, member): groups[group]?.invited.insert(member)
        case let .joinGroup(group, member):
            groups[group]?.invited.remove(member)
            if groups[group]?.members.contains(member) == false { groups[group]?.members.append(member) }
        case let .leaveGroup(group, member): groups[group]?.members.removeAll { $0 == member }
        case let .destroyGroup(name): groups[name] = nil
        case let .addBackup(user, e): addBackup(users.enter(user), e)
        }
    }

    /// Applies `.addBackup` to user `n` and says whether it added anything: false when the
    /// backup already held an entry at that place (it is kept once, as it first came).
    @discardableResult
    mutating func addBackup(_ n: Int, _ e: BackupEntry) -> Bool { users.addBackup(n, e) }

    /// Whether user `n`'s backup can take `e`: it is held already (a repeat costs nothing), or
    /// it fits within `RegistryLimits.backupEntries` and `backupOctets`.
    func backupHasRoom(_ n: Int, for e: BackupEntry) -> Bool {
        let (entries, octets) = users.backupSize(n)
        if entries < RegistryLimits.backupEntries, octets + e.body.count <= RegistryLimits.backupOctets { return true }
        return users.holds(n, e)
    }

    /// A page of `user`'s backup: the entries from index `from` of the list (kept in the
    /// order they came, on disk too, so an index means the same after a restart), up to
    /// `RegistryLimits.backupPageOctets` of bodies and `backupPageEntries` entries (at least
    /// one), and where the next page starts.
    public func backupPage(_ user: String, from: UInt32) -> (entries: [BackupEntry], waiting: BackupWaiting) {
        backupPage(users.number(of: user), from: from)
    }

    /// `backupPage(_:from:)` of user `n` (none if nil).
    func backupPage(_ n: Int?, from: UInt32) -> (entries: [BackupEntry], waiting: BackupWaiting) {
        let all = n.map(users.backup) ?? []
        let start = min(Int(from), all.count)
        var end = start, size = 0
        while end < all.count, end - start < RegistryLimits.backupPageEntries,
              end == start || size + all[end].body.count <= RegistryLimits.backupPageOctets {
            size += all[end].body.count
            end += 1
        }
        return (Array(all[start..<end]), BackupWaiting(next: UInt32(end), entries: UInt32(all.count - end)))
    }

    /// The highest backed-up seq of each conversation direction of `user`, and how many
    /// entries the direction holds, sorted: kept up to date as entries are added
    /// (`AccountBook.backupMarks`), not counted from the backup at each login.
    public func backupMarks(_ user: String) -> [BackupMark] {
        users.number(of: user).map(users.backupMarks) ?? []
    }

    /// Whether `a` and `b` are both members of some group.
    public func shareGroup(_ a: String, _ b: String) -> Bool {
        groups.values.contains { $0.members.contains(a) && $0.members.contains(b) }
    }

    /// Every message of `user`'s waiting in a mailbox, as (recipient, seq), sorted.
    public func mailMarks(from user: String) -> [BackupMark] {
        var marks: [BackupMark] = []
        for (to, items) in users.mailboxesByName() {
            for item in items where item.from == user { marks.append(BackupMark(peer: to, outgoing: true, seq: item.seq)) }
        }
        return marks
    }

    /// A page of `user`'s mail: the items after `cursor` in (sender, seq) order, up to
    /// `RegistryLimits.mailPageOctets` of bodies (at least one item), and what waits after them.
    public func mailPage(_ user: String, after cursor: (from: String, seq: UInt64)? = nil) -> (items: [MailItem], waiting: MailWaiting) {
        mailPage(users.number(of: user), after: cursor)
    }

    /// `mailPage(_:after:)` of user `n` (none if nil).
    func mailPage(_ n: Int?, after cursor: (from: String, seq: UInt64)? = nil) -> (items: [MailItem], waiting: MailWaiting) {
        var items = (n.map(users.mailbox) ?? []).sorted { ($0.from, $0.seq) < ($1.from, $1.seq) }
        if let cursor { items.removeAll { ($0.from, $0.seq) <= cursor } }
        var size = 0, taken = 0
        while taken < items.count, taken == 0 || size + items[taken].body.count <= RegistryLimits.mailPageOctets {
            size += items[taken].body.count
            taken += 1
        }
        let rest = items[taken...]
        return (Array(items[..<taken]), MailWaiting(items: UInt32(rest.count), octets: UInt64(rest.reduce(0) { $0 + $1.body.count })))
    }

    /// Everything waiting for user `n`: items and body octets.
    func mailWaiting(_ n: Int) -> MailWaiting {
        let items = users.mailbox(n)
        return MailWaiting(items: UInt32(items.count), octets: UInt64(items.reduce(0) { $0 + $1.body.count }))
    }

    /// Whether user `n`'s mailbox has room for one more item of `size` body octets.
    func mailboxHasRoom(_ n: Int, size: Int) -> Bool {
        let items = users.mailbox(n)
        return items.count < RegistryLimits.mailboxItems
            && items.reduce(0, { $0 + $1.body.count }) + size <= RegistryLimits.mailboxOctets
    }

    /// `name`'s account, nil if it has none.
    public func account(_ name: String) -> Account? { users.number(of: name).flatMap(users.account) }

    public func areFriends(_ a: String, _ b: String) -> Bool { friends[a]?.contains(b) ?? false }
}
