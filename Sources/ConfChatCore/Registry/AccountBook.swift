/// The users the registry's state refers to, each by a number, and what the state keeps of
/// each (its account, its mailbox, its backup) in arrays at that number: the registry looks a
/// name up once, at the edge of an input (the sender of a message, the recipient a DEPOSIT
/// names), and indexes arrays after that; so does the machine's memory of who is online
/// (`ContactSlots`). The peer's `ContactBook` is the same design.
///
/// Every BACKUP used to look its sender's name up four times (is it an account, has its
/// backup room, is the entry held, add it: `accounts`, `backups`, `backupOctets` and a set
/// keyed by two names), each a hash of the name and a comparison of strings
/// (docs/performance.md, "Where the time goes").
///
/// A user gets the next number the first time the state refers to it and keeps it for the
/// life of this value (`NameNumbers`, as the peer's contacts; this book adds its own arrays).
/// Numbers are not durable, and need not be: nothing outside the registry machine sees them
/// (the mutations, the stores, the wire and the trace keep names), and a state loaded from a
/// store numbers its users afresh, in the order the load applies its rows (the SQLite store
/// reads each table in a fixed order, the memory store replays its log), which is the same
/// for the same stored data. A durable number would have needed a new mutation and a migration of every data
/// directory for no gain. So numbers are not part of the state's value either: two books
/// holding the same accounts, mailboxes and backups are equal however they were numbered.
///
/// Bound: one number a name that is an account, the recipient of a mailbox item or the
/// other side of a backup entry; each of those is bounded (`RegistryLimits`).
public struct AccountBook: Hashable, Sendable {
    private var ids = NameNumbers<SeededNames>()
    private var accounts: ContiguousArray<RegistryDurableState.Account?> = []
    /// Each user's mailbox; nil for one with no item waiting.
    private var mailboxes: ContiguousArray<[MailItem]?> = []
    /// The users whose mailbox holds an item: what every LOGIN's marks of the mail it sent
    /// (`RegistryDurableState.mailMarks`) read, instead of every user's slot, a scan that made
    /// a network's logins cost the square of its size (docs/performance.md, "The set-up").
    private var holdingMail: Set<Int32> = []
    /// Each user's backup, in the order its entries came; nil for one with none.
    private var backups: ContiguousArray<[BackupEntry]?> = []
    /// The body octets of each user's backup, kept as entries are added, for its bound.
    private var backupOctets: ContiguousArray<Int> = []
    /// Each user's backup marks, one a conversation direction its backup holds, in the order
    /// the directions first came; kept as entries are added, by the same `.addBackup` a
    /// running registry applies and a restart replays, so a LOGIN reads them instead of
    /// scanning the user's whole backup (a scan that grew with every message the user ever
    /// backed up: docs/performance.md, "The scenario: what is its own").
    private var marks: ContiguousArray<[DirectionMark]> = []
    /// Every direction of every backup: the seqs it holds, so a repeated BACKUP is recognised
    /// without a scan, and where its mark is in its user's `marks`. One look-up an entry
    /// finds both: a set of entry keys beside a table of the marks' places hashed each entry
    /// twice (docs/performance.md, item 105). Keyed by the direction's 64 bits (`direction`).
    private var directions: [UInt64: DirectionEntries] = [:]

    /// What `directions` keeps of one direction.
    struct DirectionEntries {
        /// The place of the direction's mark in its user's `marks`.
        var place: Int32
        var seqs = HeldSeqs()
    }

    /// One direction of a user's conversation with another (both by number) as the key of
    /// `directions`: the user's number, the other side's and the direction in one `UInt64`,
    /// whose hash is the standard library's one-shot path; a struct of the three was hashed
    /// field by field (about 260 instructions more an entry, docs/performance.md, item 108).
    /// Numbers are below 2^31 (`NameNumbers` keeps them in an `Int32`).
    static func direction(user: Int, peer: Int, outgoing: Bool) -> UInt64 {
        UInt64(user) << 32 | UInt64(peer) << 1 | (outgoing ? 1 : 0)
    }

    /// What a user's backup holds in one direction: its highest seq and how many entries.
    struct DirectionMark {
        var peer: Int32
        var outgoing: Bool
        var seq: UInt64
        var held: UInt32
    }

    public init() {}

    /// The number of `name`, nil if the state never referred to it.
    public func number(of name: String) -> Int? { ids.number(of: name) }

    /// The name numbered `n`.
    func name(_ n: Int) -> String { ids.name(n) }

    /// The number of `name`, a new one if it had none.
    mutating func enter(_ name: String) -> Int {
        let (n, isNew) = ids.enter(name)
        if isNew {
            accounts.append(nil)
            mailboxes.append(nil)
            backups.append(nil)
            backupOctets.append(0)
            marks.append([])
        }
        return n
    }

    /// User `n`'s account, nil if `n` has none.
    func account(_ n: Int) -> RegistryDurableState.Account? { accounts[n] }

    /// Changes user `n`'s account in place, if it has one.
    mutating func changeAccount(_ n: Int, _ body: (inout RegistryDurableState.Account) -> Void) {
        if accounts[n] != nil { body(&accounts[n]!) }
    }

    mutating func setAccount(_ n: Int, _ account: RegistryDurableState.Account) { accounts[n] = account }

    /// The items waiting for user `n` (empty if none).
    func mailbox(_ n: Int) -> [MailItem] { mailboxes[n] ?? [] }

    /// Changes user `n`'s mailbox in place; an empty one is dropped.
    mutating func changeMailbox(_ n: Int, _ body: (inout [MailItem]) -> Void) {
        if mailboxes[n] == nil { mailboxes[n] = [] }
        body(&mailboxes[n]!)
        if mailboxes[n]!.isEmpty {
            mailboxes[n] = nil
            holdingMail.remove(Int32(n))
        } else {
            holdingMail.insert(Int32(n))
        }
    }

    /// The mailboxes that hold items, with their recipients' names, in name order.
    func mailboxesByName() -> [(name: String, items: [MailItem])] {
        holdingMail.map { (ids.name(Int($0)), mailboxes[Int($0)] ?? []) }.sorted { $0.name < $1.name }
    }

    /// User `n`'s backup, in the order its entries came (empty if none).
    func backup(_ n: Int) -> [BackupEntry] { backups[n] ?? [] }

    /// How many entries and body octets user `n`'s backup holds.
    func backupSize(_ n: Int) -> (entries: Int, octets: Int) { (backups[n]?.count ?? 0, backupOctets[n]) }

    /// Whether user `n`'s backup holds an entry at `e`'s place.
    func holds(_ n: Int, _ e: BackupEntry) -> Bool {
        guard let peer = ids.number(of: e.peer) else { return false }
        return directions[Self.direction(user: n, peer: peer, outgoing: e.outgoing)]?.seqs.contains(e.seq) ?? false
    }

    /// Adds `e` to user `n`'s backup unless it holds an entry at that place already; says
    /// whether it added it.
    mutating func addBackup(_ n: Int, _ e: BackupEntry) -> Bool {
        let peer = enter(e.peer)
        let direction = Self.direction(user: n, peer: peer, outgoing: e.outgoing)
        // A direction new to the table takes the next place in the user's marks.
        let next = marks[n].count
        guard let i = Self.insert(e.seq, into: &directions[direction, default: DirectionEntries(place: Int32(next))]) else {
            return false
        }
        if backups[n] == nil { backups[n] = [e] } else { backups[n]!.append(e) }
        backupOctets[n] += e.body.count
        if i == next {
            marks[n].append(DirectionMark(peer: Int32(peer), outgoing: e.outgoing, seq: e.seq, held: 1))
        } else {
            marks[n][i].seq = max(marks[n][i].seq, e.seq)
            marks[n][i].held += 1
        }
        return true
    }

    /// Adds `seq` to a direction's seqs, found (or made) by the caller's one look-up; returns
    /// the place of its mark, nil if the seq was held already.
    private static func insert(_ seq: UInt64, into entries: inout DirectionEntries) -> Int? {
        entries.seqs.insert(seq) ? Int(entries.place) : nil
    }

    /// The highest backed-up seq of each conversation direction of user `n`, and how many
    /// entries the direction holds, in the order of the other side's name, incoming first.
    func backupMarks(_ n: Int) -> [BackupMark] {
        marks[n].map { BackupMark(peer: ids.name(Int($0.peer)), outgoing: $0.outgoing, seq: $0.seq, held: $0.held) }
            .sorted { ($0.peer, $0.outgoing ? 1 : 0) < ($1.peer, $1.outgoing ? 1 : 0) }
    }

    /// The accounts by name.
    public var accountTable: ContactTable<RegistryDurableState.Account> {
        ContactTable(ids: ids, slots: accounts)
    }

    /// The mailboxes by recipient name.
    public var mailboxTable: ContactTable<[MailItem]> { ContactTable(ids: ids, slots: mailboxes) }

    /// The backups by user name.
    public var backupTable: ContactTable<[BackupEntry]> { ContactTable(ids: ids, slots: backups) }

    /// A table by name of values kept by this book's numbers (the machine's memory of who is
    /// online).
    func table<Value: Hashable & Sendable>(_ slots: ContactSlots<Value>) -> ContactTable<Value> {
        ContactTable(ids: ids, slots: slots.all(count: ids.count))
    }

    public static func == (a: AccountBook, b: AccountBook) -> Bool {
        a.accountTable == b.accountTable && a.mailboxTable == b.mailboxTable && a.backupTable == b.backupTable
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(accountTable)
        hasher.combine(mailboxTable)
        hasher.combine(backupTable)
    }
}
