import ConfChatCore
import Foundation
import GRDB

/// The registry's data directory: `registry.sqlite`. Message bodies (mailbox, backup) are
/// stored as the opaque bytes peers sent; the registry never interprets them.
public final class SQLiteRegistryStore: RegistryStore {
    let connection: SQLiteConnection
    /// The database's connection, opened at its first use if this store made the database
    /// from the template (`SQLiteConnection`).
    private var db: DatabaseQueue { get throws { try connection.queue } }
    /// Prepared on first use, kept for the store's life.
    private var statements = SQLiteStatements<RegistrySQL>(sql: \.sql)

    /// Whether this store made its database when it opened it: then it holds no rows yet.
    package let isNew: Bool

    public init(directory: String, durability: SQLiteDurability = .process) throws {
        let opened = try SQLiteFile.open(directory: directory, name: "registry.sqlite", durability: durability, schema: Self.schema)
        connection = opened.connection
        isNew = opened.isNew
    }

    /// Makes the tables of a new database, or brings an older one's up to date.
    static func schema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS accounts (
                name TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,          -- Argon2id PHC string, never the password
                endpoint TEXT NOT NULL,               -- last endpoint the user announced
                public_key BLOB NOT NULL DEFAULT x''  -- Curve25519: CURVE identity, mail sealed to it
            );
            CREATE TABLE IF NOT EXISTS friendships (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b), CHECK (a < b));
            CREATE TABLE IF NOT EXISTS friend_requests (
                id INTEGER PRIMARY KEY AUTOINCREMENT, -- keeps the order requests were made in
                from_user TEXT NOT NULL, to_user TEXT NOT NULL, UNIQUE (from_user, to_user)
            );
            CREATE TABLE IF NOT EXISTS mailbox (
                to_user TEXT NOT NULL, from_user TEXT NOT NULL, seq INTEGER NOT NULL,
                grp TEXT,                             -- the group, NULL for one-to-one
                body BLOB NOT NULL,
                proof BLOB NOT NULL DEFAULT x'',      -- the sender's proof (protocol.md 5.5)
                PRIMARY KEY (to_user, from_user, seq)
            );
            CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, owner TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS group_members (
                id INTEGER PRIMARY KEY AUTOINCREMENT, -- keeps the order members joined in
                grp TEXT NOT NULL, member TEXT NOT NULL, UNIQUE (grp, member)
            );
            CREATE TABLE IF NOT EXISTS group_invitations (grp TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (grp, member));
            CREATE TABLE IF NOT EXISTS backups (
                user TEXT NOT NULL, peer TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                seq INTEGER NOT NULL, grp TEXT, body BLOB NOT NULL,
                proof BLOB NOT NULL DEFAULT x'',      -- received: the sender's proof
                PRIMARY KEY (user, peer, direction, seq)
            );
            """)
        // A data directory from before proofs existed: its items simply have none.
        for table in ["mailbox", "backups"] where try !db.columns(in: table).contains(where: { $0.name == "proof" }) {
            try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN proof BLOB NOT NULL DEFAULT x''")
        }
    }

    /// Reads the whole state back (a restart), each table through its prepared statement,
    /// columns by position (`RegistrySQL`).
    public func load() throws -> RegistryDurableState {
        try db.readKeepingStatements { db in
            var s = RegistryDurableState()
            var q = try statements(.readAccounts, db)
            while try q.step() { s.apply(.addAccount(name: q.string(0), hash: q.string(1), endpoint: q.string(2), key: q.bytes(3))) }
            q = try statements(.readFriendships, db)
            while try q.step() { s.apply(.addFriendship(q.string(0), q.string(1))) }
            q = try statements(.readRequests, db)
            while try q.step() { s.apply(.addRequest(from: q.string(0), to: q.string(1))) }
            q = try statements(.readMailbox, db)
            while try q.step() {
                s.apply(.addMail(to: q.string(0), MailItem(from: q.string(1), seq: UInt64(bitPattern: q.int64(2)), body: q.bytes(4),
                                                           group: q.optionalString(3), proof: q.bytes(5))))
            }
            q = try statements(.readBackups, db)
            while try q.step() {
                s.apply(.addBackup(user: q.string(0), BackupEntry(peer: q.string(1), outgoing: q.string(2) == "out",
                                                                  seq: UInt64(bitPattern: q.int64(3)), body: q.bytes(5),
                                                                  group: q.optionalString(4), proof: q.bytes(6))))
            }
            q = try statements(.readGroups, db)
            while try q.step() { s.apply(.createGroup(name: q.string(0), owner: q.string(1))) }
            q = try statements(.readMembers, db)
            while try q.step() { s.apply(.joinGroup(group: q.string(0), member: q.string(1))) }
            q = try statements(.readInvitations, db)
            while try q.step() { s.apply(.addInvitation(group: q.string(0), member: q.string(1))) }
            return s
        }
    }

    /// One transaction for the batch; each mutation runs its kind's prepared statement,
    /// arguments bound by position (`RegistrySQL`).
    public func apply(_ mutations: [RegistryMutation]) throws {
        guard !mutations.isEmpty else { return }
        try db.write { db in
            for m in mutations { try apply(m, db) }
        }
    }

    /// The run log's checkpoint (`LoggedStore`): records of the log, each the registry's
    /// commit as `RegistryMutation.encode` wrote it, in one transaction, with the same rows as
    /// `apply` of their mutations (`CheckpointRowsTests`). A backup entry, two a message, is bound
    /// from the record's bytes where they lie; the other mutations are decoded and applied as
    /// values. A record cut short or garbled is a `RunLogError` and nothing of the batch is written.
    package func apply(records: [ArraySlice<UInt8>]) throws {
        guard !records.isEmpty else { return }
        try db.write { db in
            for record in records {
                try LogDecoder.reading(record) { d in
                    for _ in 0..<(try d.u32()) {
                        let tag = try d.u8()
                        guard tag == LogTag.registryAddBackup else {
                            try apply(RegistryMutation.decode(tag: tag, from: &d), db)
                            continue
                        }
                        let b = try LoggedBackup(from: &d)
                        let q = try statements(.addBackup, db)
                        q.bind(1, borrowedText: b.user); q.bind(2, borrowedText: b.peer); q.bind(3, b.outgoing ? "out" : "in")
                        q.bind(4, Int64(bitPattern: b.seq)); q.bind(5, borrowedText: b.group); q.bind(6, borrowedBlob: b.body)
                        q.bind(7, borrowedBlob: b.proof)
                        try q.run()
                    }
                    guard d.isAtEnd else { throw RunLogError.corrupt("a record longer than its mutations") }
                }
            }
        }
    }

    private func apply(_ m: RegistryMutation, _ db: Database) throws {
        switch m {
        case let .addAccount(name, hash, endpoint, key):
            let q = try statements(.addAccount, db)
            q.bind(1, name); q.bind(2, hash); q.bind(3, endpoint); q.bind(4, blob: key)
            try q.run()
        case let .setEndpoint(name, endpoint, key):
            let q = try statements(.setEndpoint, db)
            q.bind(1, endpoint); q.bind(2, blob: key); q.bind(3, name)
            try q.run()
        case let .addRequest(from, to): try run(.addRequest, from, to, db)
        case let .removeRequest(from, to): try run(.removeRequest, from, to, db)
        case let .addFriendship(x, y): try run(.addFriendship, min(x, y), max(x, y), db)
        case let .removeFriendship(x, y): try run(.removeFriendship, min(x, y), max(x, y), db)
        case let .addMail(to, item):
            let q = try statements(.addMail, db)
            q.bind(1, to); q.bind(2, item.from); q.bind(3, Int64(bitPattern: item.seq)); q.bind(4, item.group)
            q.bind(5, blob: item.body); q.bind(6, blob: item.proof)
            try q.run()
        case let .removeMail(to, from, seq): try run(.removeMail, to, from, seq, db)
        case let .dropMail(to, from, seq): try run(.dropMail, to, from, seq, db)
        case let .addBackup(user, e):
            let q = try statements(.addBackup, db)
            q.bind(1, user); q.bind(2, e.peer); q.bind(3, e.outgoing ? "out" : "in"); q.bind(4, Int64(bitPattern: e.seq))
            q.bind(5, e.group); q.bind(6, blob: e.body); q.bind(7, blob: e.proof)
            try q.run()
        case let .createGroup(name, owner):
            try run(.createGroup, name, owner, db)
            try run(.addMember, name, owner, db)
        case let .addInvitation(group, member): try run(.addInvitation, group, member, db)
        case let .joinGroup(group, member):
            try run(.removeInvitation, group, member, db)
            try run(.addMember, group, member, db)
        case let .leaveGroup(group, member): try run(.removeMember, group, member, db)
        case let .destroyGroup(name):
            for kind in [RegistrySQL.destroyGroup, .clearMembers, .clearInvitations] {
                let q = try statements(kind, db)
                q.bind(1, name)
                try q.run()
            }
        }
    }

    /// A statement of two text arguments.
    private func run(_ kind: RegistrySQL, _ a: String, _ b: String, _ db: Database) throws {
        let q = try statements(kind, db)
        q.bind(1, a); q.bind(2, b)
        try q.run()
    }

    /// A statement of two text arguments and a seq.
    private func run(_ kind: RegistrySQL, _ a: String, _ b: String, _ seq: UInt64, _ db: Database) throws {
        let q = try statements(kind, db)
        q.bind(1, a); q.bind(2, b); q.bind(3, Int64(bitPattern: seq))
        try q.run()
    }
}
