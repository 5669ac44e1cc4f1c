import ConfChatCore
import Foundation
import GRDB

/// A peer's data directory: `peer.sqlite`, plain tables a user can read with `sqlite3`.
///
/// WAL mode; a committed transaction survives a crash of the process (`kill -9`), or in the
/// simulator a simulated crash (`SQLiteDurability`).
public final class SQLitePeerStore: PeerStore {
    let connection: SQLiteConnection
    /// The database's connection, opened at its first use if this store made the database
    /// from the template (`SQLiteConnection`).
    private var db: DatabaseQueue { get throws { try connection.queue } }
    private let directory: String
    /// Prepared on first use, kept for the store's life.
    private var statements = SQLiteStatements<PeerSQL>(sql: \.sql)

    /// Whether this store made its database when it opened it: then it holds no rows yet.
    package let isNew: Bool

    public init(directory: String, durability: SQLiteDurability = .process) throws {
        self.directory = directory
        let opened = try SQLiteFile.open(directory: directory, name: "peer.sqlite", durability: durability, schema: Self.schema)
        connection = opened.connection
        isNew = opened.isNew
    }

    /// Makes the tables of a new database, or brings an older one's up to date.
    static func schema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS account (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                password_hash TEXT NOT NULL           -- Argon2id PHC string, never the password
            );
            CREATE TABLE IF NOT EXISTS friends (name TEXT PRIMARY KEY, endpoint TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS friend_requests (from_user TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS messages (
                peer TEXT NOT NULL,                    -- the other side of the conversation
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                seq INTEGER NOT NULL,                  -- per sender -> recipient, from 1
                text TEXT NOT NULL,
                grp TEXT,                              -- the group, NULL for one-to-one
                kind TEXT NOT NULL DEFAULT 'message'   -- ChatRecord.Kind: shown, or kept only for the sequence
                    CHECK (kind IN ('message', 'discarded', 'skipped')),
                proof BLOB,                            -- received: the sender's proof (protocol.md 5.5)
                PRIMARY KEY (peer, direction, seq)
            );
            CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, owner TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS group_members (
                grp TEXT NOT NULL, name TEXT NOT NULL, endpoint TEXT NOT NULL, PRIMARY KEY (grp, name)
            );
            CREATE TABLE IF NOT EXISTS group_invitations (grp TEXT PRIMARY KEY, owner TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS public_keys (name TEXT PRIMARY KEY, public_key BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS unsynced (peer TEXT PRIMARY KEY);  -- restored, not yet compared
            CREATE TABLE IF NOT EXISTS queued (                          -- accepted, waiting for a seq
                id INTEGER PRIMARY KEY AUTOINCREMENT, peer TEXT NOT NULL, grp TEXT, text TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS acks (peer TEXT PRIMARY KEY, acked INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS reserved (                        -- our seqs in the mailbox, not held
                peer TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (peer, seq)
            );
            """)
        // A data directory from before proofs existed: its messages simply have none.
        if try !db.columns(in: "messages").contains(where: { $0.name == "proof" }) {
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN proof BLOB")
        }
        // When each message was stored (Unix seconds, by SQLite's clock), for the prompt;
        // added to databases made before it existed. Nothing in the peer's logic reads it.
        if try !db.columns(in: "messages").contains(where: { $0.name == "stored_at" }) {
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN stored_at INTEGER")
        }
        try Self.migrateDiscardedFlag(db)
    }

    /// A data directory from before records had a kind: a `discarded` flag said "not shown",
    /// and a discarded row with no group was a SKIP placeholder. The flag becomes the kind,
    /// in the same transaction as the rest of the opening.
    private static func migrateDiscardedFlag(_ db: Database) throws {
        guard try db.columns(in: "messages").contains(where: { $0.name == "discarded" }) else { return }
        try db.execute(sql: """
            ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'discarded', 'skipped'));
            UPDATE messages SET kind = CASE WHEN discarded = 0 THEN 'message' WHEN grp IS NULL THEN 'skipped' ELSE 'discarded' END;
            ALTER TABLE messages DROP COLUMN discarded;
            """)
    }

    /// Reads the whole state back (a restart). Each table is read through a statement
    /// prepared once (`SQLiteStatement`), row by row, columns by position: a restart of a
    /// peer with a long history reads every message.
    public func load() throws -> PeerDurableState {
        try db.readKeepingStatements { db in
            var s = PeerDurableState()
            var q = try statements(.readCredentials, db)
            while try q.step() { s.credentials = q.string(0) }
            q = try statements(.readFriends, db)
            while try q.step() { s.apply(.setFriend(name: q.string(0), endpoint: q.string(1))) }
            q = try statements(.readRequests, db)
            while try q.step() { s.requests.insert(q.string(0)) }
            q = try statements(.readMessages, db)
            while try q.step() {
                guard let kind = ChatRecord.Kind(rawValue: q.string(5)) else {
                    throw DataDirectoryError.corrupt(directory, reason: "a message of kind '\(q.string(5))'")
                }
                s.apply(.store(ChatRecord(peer: q.string(0), outgoing: q.string(1) == "out", seq: UInt64(bitPattern: q.int64(2)),
                                          body: q.bytes(3), group: q.optionalString(4), kind: kind, proof: q.bytes(6))))
            }
            var groups: [String: GroupInfo] = [:]
            q = try statements(.readGroups, db)
            while try q.step() {
                let name = q.string(0)
                groups[name] = GroupInfo(name: name, owner: q.string(1), members: [])
            }
            q = try statements(.readMembers, db)
            while try q.step() { groups[q.string(0)]?.members.append(FriendInfo(name: q.string(1), endpoint: q.string(2), online: false)) }
            for g in groups.values { s.apply(.setGroup(g)) }
            var unsynced: [String] = []
            q = try statements(.readUnsynced, db)
            while try q.step() { unsynced.append(q.string(0)) }
            s.apply(.markUnsynced(unsynced))
            q = try statements(.readQueued, db)
            while try q.step() { s.apply(.queue(peer: q.string(0), HistoryItem(group: q.optionalString(1), body: q.bytes(2)))) }
            q = try statements(.readKeys, db)
            while try q.step() { s.apply(.setKey(name: q.string(0), key: q.bytes(1))) }
            q = try statements(.readInvitations, db)
            while try q.step() { s.apply(.addInvitation(GroupInvitation(group: q.string(0), owner: q.string(1)))) }
            q = try statements(.readAcks, db)
            while try q.step() { s.apply(.markAcked(peer: q.string(0), upTo: UInt64(bitPattern: q.int64(1)))) }
            q = try statements(.readReserved, db)
            while try q.step() { s.apply(.reserve(peer: q.string(0), seq: UInt64(bitPattern: q.int64(1)))) }
            return s
        }
    }

    /// Messages in the order they were stored (SQLite's rowid, which an upsert keeps).
    public func storedOrder() throws -> [ChatRecord.Key] { try stored().map(\.key) }

    /// When each message was stored (Unix seconds), where known.
    public func storedTimes() throws -> [ChatRecord.Key: Int64] {
        Dictionary(try stored().compactMap { m in m.at.map { (m.key, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    private func stored() throws -> [(key: ChatRecord.Key, at: Int64?)] {
        try db.readKeepingStatements { db in
            try Row.fetchAll(db, sql: "SELECT peer, direction, seq, stored_at FROM messages ORDER BY rowid").map { row in
                let seq: Int64 = row["seq"]
                return (ChatRecord.Key(peer: row["peer"], outgoing: row["direction"] == "out", seq: UInt64(seq)), row["stored_at"])
            }
        }
    }

    /// One transaction for the batch; each mutation runs its kind's prepared statement,
    /// arguments bound by position (`PeerSQL`).
    ///
    /// A friend's acknowledged seq is written once a batch, its last value, after the rest:
    /// nothing else in the batch reads the `acks` table, and a checkpoint's batch holds many
    /// acknowledgements of the same few friends (one a message sent). Each message stored
    /// gets the batch's time (`stored_at`, Unix seconds).
    public func apply(_ mutations: [PeerMutation]) throws {
        guard !mutations.isEmpty else { return }
        var batch = Batch()
        try db.write { db in
            for m in mutations { try apply(m, db, &batch) }
            try finish(batch, db)
        }
    }

    /// The run log's checkpoint (`LoggedStore`): records of the log, each the node's commit
    /// as `PeerMutation.encode` wrote it, in one transaction, with the same rows as `apply` of
    /// their mutations (`CheckpointRowsTests`). A message stored and an acknowledgement, the
    /// mutations a message makes, are bound from the record's bytes where they lie, neither
    /// decoded into a value nor copied; the others are decoded and applied as values.
    /// A record cut short or garbled is a `RunLogError` and nothing of the batch is written.
    package func apply(records: [ArraySlice<UInt8>]) throws {
        guard !records.isEmpty else { return }
        var batch = Batch()
        try db.write { db in
            for record in records {
                try LogDecoder.reading(record) { d in
                    for _ in 0..<(try d.u32()) {
                        let tag = try d.u8()
                        switch tag {
                        case LogTag.peerStore, LogTag.peerRestore:
                            let r = try LoggedChatRecord(from: &d)
                            let q = try statements(.storeMessage, db)
                            q.bind(1, borrowedText: r.peer); q.bind(2, r.outgoing ? "out" : "in"); q.bind(3, Int64(bitPattern: r.seq))
                            q.bind(4, borrowedText: r.body); q.bind(5, borrowedText: r.group); q.bind(6, r.kind.rawValue)
                            q.bind(7, borrowedBlobOrNull: r.proof); q.bind(8, batch.now)
                            try q.run()
                        case LogTag.peerMarkAcked, LogTag.peerResetAcked: batch.ack(try d.string(), try d.u64())
                        default: try apply(PeerMutation.decode(tag: tag, from: &d), db, &batch)
                        }
                    }
                    guard d.isAtEnd else { throw RunLogError.corrupt("a record longer than its mutations") }
                }
            }
            try finish(batch, db)
        }
    }

    /// What one transaction's mutations leave for its end.
    private struct Batch {
        /// Each message stored gets it (`stored_at`).
        let now = Int64(time(nil))
        /// Each friend's last acknowledged seq in the batch, in the order first met.
        var acked: [(peer: String, seq: UInt64)] = []

        mutating func ack(_ peer: String, _ seq: UInt64) {
            if let i = acked.firstIndex(where: { $0.peer == peer }) { acked[i].seq = seq } else { acked.append((peer, seq)) }
        }
    }

    /// One mutation of a batch, but the acknowledgements, which `finish` writes.
    private func apply(_ m: PeerMutation, _ db: Database, _ batch: inout Batch) throws {
        switch m {
        case let .setCredentials(hash):
            let q = try statements(.setCredentials, db)
            q.bind(1, hash)
            try q.run()
        case let .setFriend(name, endpoint):
            let q = try statements(.setFriend, db)
            q.bind(1, name); q.bind(2, endpoint)
            try q.run()
        case let .removeFriend(name): try run(.removeFriend, name, db)
        case let .addRequest(name): try run(.addRequest, name, db)
        case let .removeRequest(name): try run(.removeRequest, name, db)
        case let .store(r), let .restore(r):
            let q = try statements(.storeMessage, db)
            q.bind(8, batch.now)
            try write(r, with: q)
        case let .overwrite(r): try write(r, with: statements(.overwriteMessage, db))
        case let .setGroup(info):
            let q = try statements(.setGroup, db)
            q.bind(1, info.name); q.bind(2, info.owner)
            try q.run()
            try run(.clearMembers, info.name, db)
            let add = try statements(.addMember, db)
            for m in info.members {
                add.bind(1, info.name); add.bind(2, m.name); add.bind(3, m.endpoint)
                try add.run()
            }
        case let .markUnsynced(names):
            for n in names { try run(.markUnsynced, n, db) }
        case let .markSynced(name): try run(.markSynced, name, db)
        case let .queue(peer, item):
            let q = try statements(.queue, db)
            q.bind(1, peer); q.bind(2, item.group); q.bind(3, String(decoding: item.body, as: UTF8.self))
            try q.run()
        case let .dequeue(peer): try run(.dequeue, peer, db)
        case let .setKey(name, key):
            let q = try statements(.setKey, db)
            q.bind(1, name); q.bind(2, blob: key)
            try q.run()
        case let .removeGroup(name):
            try run(.removeGroup, name, db)
            try run(.clearMembers, name, db)
        case let .addInvitation(inv):
            let q = try statements(.addInvitation, db)
            q.bind(1, inv.group); q.bind(2, inv.owner)
            try q.run()
        case let .removeInvitation(group): try run(.removeInvitation, group, db)
        case let .resetAcked(peer, seq), let .markAcked(peer, seq): batch.ack(peer, seq)
        case let .reserve(peer, seq):
            let q = try statements(.reserve, db)
            q.bind(1, peer); q.bind(2, Int64(bitPattern: seq))
            try q.run()
        }
    }

    /// The batch's end: each friend's last acknowledged seq.
    private func finish(_ batch: Batch, _ db: Database) throws {
        for a in batch.acked {
            let q = try statements(.setAcked, db)
            q.bind(1, a.peer); q.bind(2, Int64(bitPattern: a.seq))
            try q.run()
        }
    }

    /// A statement of one text argument.
    private func run(_ kind: PeerSQL, _ argument: String, _ db: Database) throws {
        let q = try statements(kind, db)
        q.bind(1, argument)
        try q.run()
    }

    /// A message row: the store's and the overwrite's statements take the same seven arguments.
    private func write(_ r: ChatRecord, with q: SQLiteStatement) throws {
        q.bind(1, r.peer); q.bind(2, r.outgoing ? "out" : "in"); q.bind(3, Int64(bitPattern: r.seq)); q.bind(4, r.text)
        q.bind(5, r.group); q.bind(6, r.kind.rawValue); q.bind(7, blobOrNull: r.proof)
        try q.run()
    }
}
