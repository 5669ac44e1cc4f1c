import ConfChatCore
import Foundation
import GRDB

/// A peer's data directory: `peer.sqlite`, plain tables a user can read with `sqlite3`.
///
/// WAL mode with `synchronous = NORMAL`: a committed transaction survives a crash of the
/// process (the simulator's `crash`, `kill -9`), which is the durability the spec asks for.
public final class SQLitePeerStore: PeerStore {
    private let db: DatabaseQueue

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        }
        db = try DatabaseQueue(path: (directory as NSString).appendingPathComponent("peer.sqlite"), configuration: config)
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
                    PRIMARY KEY (peer, direction, seq)
                );
                CREATE TABLE IF NOT EXISTS acks (peer TEXT PRIMARY KEY, acked INTEGER NOT NULL);
                """)
        }
    }

    public func load() throws -> PeerDurableState {
        try db.read { db in
            var s = PeerDurableState()
            s.credentials = try String.fetchOne(db, sql: "SELECT password_hash FROM account WHERE id = 1")
            for row in try Row.fetchAll(db, sql: "SELECT name, endpoint FROM friends") {
                s.friends[row["name"]] = row["endpoint"]
            }
            s.requests = Set(try String.fetchAll(db, sql: "SELECT from_user FROM friend_requests"))
            for row in try Row.fetchAll(db, sql: "SELECT peer, direction, seq, text FROM messages ORDER BY peer, direction, seq") {
                let text: String = row["text"]
                let seq: Int64 = row["seq"]
                s.apply(.store(ChatRecord(peer: row["peer"], outgoing: row["direction"] == "out", seq: UInt64(seq), body: Array(text.utf8))))
            }
            for row in try Row.fetchAll(db, sql: "SELECT peer, acked FROM acks") {
                let acked: Int64 = row["acked"]
                s.apply(.markAcked(peer: row["peer"], upTo: UInt64(acked)))
            }
            return s
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
                case let .store(r):
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO messages (peer, direction, seq, text) VALUES (?, ?, ?, ?)")
                        .execute(arguments: [r.peer, r.outgoing ? "out" : "in", Int64(r.seq), r.text])
                case let .resetAcked(peer, to):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO acks (peer, acked) VALUES (?, ?)").execute(arguments: [peer, Int64(to)])
                case let .markAcked(peer, upTo):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO acks (peer, acked) VALUES (?, ?)").execute(arguments: [peer, Int64(upTo)])
                }
            }
        }
    }
}
