import ConfChatCore
import Foundation
import GRDB

/// A peer's data directory: `peer.sqlite`, plain tables a user can read with `sqlite3`.
///
/// WAL mode; a committed transaction survives a crash of the process (`kill -9`), or in the
/// simulator a simulated crash (`SQLiteDurability`).
public final class SQLitePeerStore: PeerStore {
    private let db: DatabaseQueue
    private let directory: String

    public init(directory: String, durability: SQLiteDurability = .process) throws {
        self.directory = directory
        db = try SQLiteFile.open(directory: directory, name: "peer.sqlite", durability: durability)
        try db.write { db in
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

    /// Reads the whole state back (a restart). Rows are read through cursors (one row
    /// reused, not an array of copies) and columns by position, not by name: a restart of
    /// a peer with a long history reads every message, and by name each column was a
    /// case-insensitive search of the row's names.
    public func load() throws -> PeerDurableState {
        try db.read { db in
            var s = PeerDurableState()
            s.credentials = try String.fetchOne(db, sql: "SELECT password_hash FROM account WHERE id = 1")
            var rows = try Row.fetchCursor(db, sql: "SELECT name, endpoint FROM friends")
            while let row = try rows.next() { s.friends[row[0]] = row[1] as String }
            s.requests = Set(try String.fetchAll(db, sql: "SELECT from_user FROM friend_requests"))
            rows = try Row.fetchCursor(db, sql: "SELECT peer, direction, seq, text, grp, kind, proof FROM messages ORDER BY peer, direction, seq")
            while let row = try rows.next() {
                let text: String = row[3]
                let seq: Int64 = row[2]
                let proof: Data? = row[6]
                let kind: String = row[5]
                guard let kind = ChatRecord.Kind(rawValue: kind) else {
                    throw DataDirectoryError.corrupt(directory, reason: "a message of kind '\(kind)'")
                }
                let direction: String = row[1]
                s.apply(.store(ChatRecord(peer: row[0], outgoing: direction == "out", seq: UInt64(seq), body: Array(text.utf8),
                                          group: row[4], kind: kind, proof: proof.map { Array($0) } ?? [])))
            }
            var groups: [String: GroupInfo] = [:]
            rows = try Row.fetchCursor(db, sql: "SELECT name, owner FROM groups")
            while let row = try rows.next() { groups[row[0]] = GroupInfo(name: row[0], owner: row[1], members: []) }
            rows = try Row.fetchCursor(db, sql: "SELECT grp, name, endpoint FROM group_members ORDER BY grp, name")
            while let row = try rows.next() { groups[row[0] as String]?.members.append(FriendInfo(name: row[1], endpoint: row[2], online: false)) }
            for g in groups.values { s.apply(.setGroup(g)) }
            s.apply(.markUnsynced(try String.fetchAll(db, sql: "SELECT peer FROM unsynced")))
            rows = try Row.fetchCursor(db, sql: "SELECT peer, grp, text FROM queued ORDER BY id")
            while let row = try rows.next() {
                let text: String = row[2]
                s.apply(.queue(peer: row[0], HistoryItem(group: row[1], body: Array(text.utf8))))
            }
            rows = try Row.fetchCursor(db, sql: "SELECT name, public_key FROM public_keys")
            while let row = try rows.next() {
                let key: Data = row[1]
                s.apply(.setKey(name: row[0], key: Array(key)))
            }
            rows = try Row.fetchCursor(db, sql: "SELECT grp, owner FROM group_invitations")
            while let row = try rows.next() { s.apply(.addInvitation(GroupInvitation(group: row[0], owner: row[1]))) }
            rows = try Row.fetchCursor(db, sql: "SELECT peer, acked FROM acks")
            while let row = try rows.next() {
                let acked: Int64 = row[1]
                s.apply(.markAcked(peer: row[0], upTo: UInt64(acked)))
            }
            rows = try Row.fetchCursor(db, sql: "SELECT peer, seq FROM reserved")
            while let row = try rows.next() {
                let seq: Int64 = row[1]
                s.apply(.reserve(peer: row[0], seq: UInt64(seq)))
            }
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
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT peer, direction, seq, stored_at FROM messages ORDER BY rowid").map { row in
                let seq: Int64 = row["seq"]
                return (ChatRecord.Key(peer: row["peer"], outgoing: row["direction"] == "out", seq: UInt64(seq)), row["stored_at"])
            }
        }
    }

    public func apply(_ mutations: [PeerMutation]) throws {
        guard !mutations.isEmpty else { return }
        try db.write { db in
            for m in mutations {
                switch m {
                case let .setCredentials(hash):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO account (id, password_hash) VALUES (1, ?)").execute(arguments: [hash])
                case let .setFriend(name, endpoint):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO friends (name, endpoint) VALUES (?, ?)").execute(arguments: [name, endpoint])
                case let .removeFriend(name):
                    try db.cachedStatement(sql: "DELETE FROM friends WHERE name = ?").execute(arguments: [name])
                case let .addRequest(name):
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO friend_requests (from_user) VALUES (?)").execute(arguments: [name])
                case let .removeRequest(name):
                    try db.cachedStatement(sql: "DELETE FROM friend_requests WHERE from_user = ?").execute(arguments: [name])
                case let .store(r), let .restore(r):
                    // A real message replaces a SKIP placeholder; anything else already held stays.
                    try db.cachedStatement(sql: """
                        INSERT INTO messages (peer, direction, seq, text, grp, kind, proof, stored_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, CAST(strftime('%s', 'now') AS INTEGER))
                        ON CONFLICT (peer, direction, seq) DO UPDATE SET text = excluded.text, grp = excluded.grp, kind = excluded.kind,
                            proof = excluded.proof, stored_at = excluded.stored_at
                        WHERE messages.kind = 'skipped' AND excluded.kind <> 'skipped'
                        """)
                        .execute(arguments: [r.peer, r.outgoing ? "out" : "in", Int64(r.seq), r.text, r.group, r.kind.rawValue, Self.blob(r.proof)])
                case let .setGroup(info):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO groups (name, owner) VALUES (?, ?)").execute(arguments: [info.name, info.owner])
                    try db.cachedStatement(sql: "DELETE FROM group_members WHERE grp = ?").execute(arguments: [info.name])
                    for m in info.members {
                        try db.cachedStatement(sql: "INSERT INTO group_members (grp, name, endpoint) VALUES (?, ?, ?)")
                            .execute(arguments: [info.name, m.name, m.endpoint])
                    }
                case let .markUnsynced(names):
                    for n in names { try db.cachedStatement(sql: "INSERT OR IGNORE INTO unsynced (peer) VALUES (?)").execute(arguments: [n]) }
                case let .overwrite(r):
                    // An upsert, not INSERT OR REPLACE: the row keeps its rowid, its place in the history.
                    try db.cachedStatement(sql: """
                        INSERT INTO messages (peer, direction, seq, text, grp, kind, proof) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (peer, direction, seq) DO UPDATE SET text = excluded.text, grp = excluded.grp, kind = excluded.kind,
                            proof = excluded.proof
                        """)
                        .execute(arguments: [r.peer, r.outgoing ? "out" : "in", Int64(r.seq), r.text, r.group, r.kind.rawValue, Self.blob(r.proof)])
                case let .markSynced(name):
                    try db.cachedStatement(sql: "DELETE FROM unsynced WHERE peer = ?").execute(arguments: [name])
                case let .queue(peer, item):
                    try db.cachedStatement(sql: "INSERT INTO queued (peer, grp, text) VALUES (?, ?, ?)")
                        .execute(arguments: [peer, item.group, String(decoding: item.body, as: UTF8.self)])
                case let .dequeue(peer):
                    try db.cachedStatement(sql: "DELETE FROM queued WHERE peer = ?").execute(arguments: [peer])
                case let .setKey(name, key):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO public_keys (name, public_key) VALUES (?, ?)").execute(arguments: [name, Data(key)])
                case let .removeGroup(name):
                    try db.cachedStatement(sql: "DELETE FROM groups WHERE name = ?").execute(arguments: [name])
                    try db.cachedStatement(sql: "DELETE FROM group_members WHERE grp = ?").execute(arguments: [name])
                case let .addInvitation(inv):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO group_invitations (grp, owner) VALUES (?, ?)").execute(arguments: [inv.group, inv.owner])
                case let .removeInvitation(group):
                    try db.cachedStatement(sql: "DELETE FROM group_invitations WHERE grp = ?").execute(arguments: [group])
                case let .resetAcked(peer, to):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO acks (peer, acked) VALUES (?, ?)").execute(arguments: [peer, Int64(to)])
                case let .markAcked(peer, upTo):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO acks (peer, acked) VALUES (?, ?)").execute(arguments: [peer, Int64(upTo)])
                case let .reserve(peer, upTo):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO reserved (peer, seq) VALUES (?, ?)").execute(arguments: [peer, Int64(upTo)])
                }
            }
        }
    }

    /// A proof as SQLite stores it: NULL for none.
    private static func blob(_ proof: [UInt8]) -> Data? { proof.isEmpty ? nil : Data(proof) }
}
