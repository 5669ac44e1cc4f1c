import ConfChatCore
import Foundation
import GRDB

/// The registry's data directory: `registry.sqlite`. Message bodies (mailbox, backup) are
/// stored as the opaque bytes peers sent; the registry never interprets them.
public final class SQLiteRegistryStore: RegistryStore {
    private let db: DatabaseQueue

    public init(directory: String, durability: SQLiteDurability = .process) throws {
        db = try SQLiteFile.open(directory: directory, name: "registry.sqlite", durability: durability)
        try db.write { db in
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
    }

    public func load() throws -> RegistryDurableState {
        try db.read { db in
            var s = RegistryDurableState()
            for row in try Row.fetchAll(db, sql: "SELECT name, password_hash, endpoint, public_key FROM accounts") {
                let key: Data = row["public_key"]
                s.apply(.addAccount(name: row["name"], hash: row["password_hash"], endpoint: row["endpoint"], key: Array(key)))
            }
            for row in try Row.fetchAll(db, sql: "SELECT a, b FROM friendships") { s.apply(.addFriendship(row["a"], row["b"])) }
            for row in try Row.fetchAll(db, sql: "SELECT from_user, to_user FROM friend_requests ORDER BY id") {
                s.apply(.addRequest(from: row["from_user"], to: row["to_user"]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT to_user, from_user, seq, grp, body, proof FROM mailbox ORDER BY rowid") {
                let seq: Int64 = row["seq"]
                let body: Data = row["body"]
                s.apply(.addMail(to: row["to_user"], MailItem(from: row["from_user"], seq: UInt64(seq), body: Array(body), group: row["grp"],
                                                                  proof: Array(row["proof"] as Data))))
            }
            for row in try Row.fetchAll(db, sql: "SELECT user, peer, direction, seq, grp, body, proof FROM backups ORDER BY rowid") {
                let seq: Int64 = row["seq"]
                let body: Data = row["body"]
                s.apply(.addBackup(user: row["user"], BackupEntry(peer: row["peer"], outgoing: row["direction"] == "out", seq: UInt64(seq),
                                                                  body: Array(body), group: row["grp"], proof: Array(row["proof"] as Data))))
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, owner FROM groups") { s.apply(.createGroup(name: row["name"], owner: row["owner"])) }
            for row in try Row.fetchAll(db, sql: "SELECT grp, member FROM group_members ORDER BY id") {
                s.apply(.joinGroup(group: row["grp"], member: row["member"]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT grp, member FROM group_invitations") {
                s.apply(.addInvitation(group: row["grp"], member: row["member"]))
            }
            return s
        }
    }

    public func apply(_ mutations: [RegistryMutation]) throws {
        guard !mutations.isEmpty else { return }
        try db.write { db in
            for m in mutations {
                switch m {
                case let .addAccount(name, hash, endpoint, key):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO accounts (name, password_hash, endpoint, public_key) VALUES (?, ?, ?, ?)")
                        .execute(arguments: [name, hash, endpoint, Data(key)])
                case let .setEndpoint(name, endpoint, key):
                    try db.cachedStatement(sql: "UPDATE accounts SET endpoint = ?, public_key = ? WHERE name = ?").execute(arguments: [endpoint, Data(key), name])
                case let .addRequest(from, to):
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO friend_requests (from_user, to_user) VALUES (?, ?)").execute(arguments: [from, to])
                case let .removeRequest(from, to):
                    try db.cachedStatement(sql: "DELETE FROM friend_requests WHERE from_user = ? AND to_user = ?").execute(arguments: [from, to])
                case let .addFriendship(x, y):
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO friendships (a, b) VALUES (?, ?)").execute(arguments: [min(x, y), max(x, y)])
                case let .removeFriendship(x, y):
                    try db.cachedStatement(sql: "DELETE FROM friendships WHERE a = ? AND b = ?").execute(arguments: [min(x, y), max(x, y)])
                case let .addMail(to, item):
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO mailbox (to_user, from_user, seq, grp, body, proof) VALUES (?, ?, ?, ?, ?, ?)")
                        .execute(arguments: [to, item.from, Int64(item.seq), item.group, Data(item.body), Data(item.proof)])
                case let .removeMail(to, from, upTo):
                    try db.cachedStatement(sql: "DELETE FROM mailbox WHERE to_user = ? AND from_user = ? AND seq <= ?")
                        .execute(arguments: [to, from, Int64(upTo)])
                case let .dropMail(to, from, seq):
                    try db.cachedStatement(sql: "DELETE FROM mailbox WHERE to_user = ? AND from_user = ? AND seq = ?")
                        .execute(arguments: [to, from, Int64(seq)])
                case let .addBackup(user, e):
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO backups (user, peer, direction, seq, grp, body, proof) VALUES (?, ?, ?, ?, ?, ?, ?)")
                        .execute(arguments: [user, e.peer, e.outgoing ? "out" : "in", Int64(e.seq), e.group, Data(e.body), Data(e.proof)])
                case let .createGroup(name, owner):
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO groups (name, owner) VALUES (?, ?)").execute(arguments: [name, owner])
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO group_members (grp, member) VALUES (?, ?)").execute(arguments: [name, owner])
                case let .addInvitation(group, member):
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO group_invitations (grp, member) VALUES (?, ?)").execute(arguments: [group, member])
                case let .joinGroup(group, member):
                    try db.cachedStatement(sql: "DELETE FROM group_invitations WHERE grp = ? AND member = ?").execute(arguments: [group, member])
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO group_members (grp, member) VALUES (?, ?)").execute(arguments: [group, member])
                case let .leaveGroup(group, member):
                    try db.cachedStatement(sql: "DELETE FROM group_members WHERE grp = ? AND member = ?").execute(arguments: [group, member])
                case let .destroyGroup(name):
                    try db.cachedStatement(sql: "DELETE FROM groups WHERE name = ?").execute(arguments: [name])
                    try db.cachedStatement(sql: "DELETE FROM group_members WHERE grp = ?").execute(arguments: [name])
                    try db.cachedStatement(sql: "DELETE FROM group_invitations WHERE grp = ?").execute(arguments: [name])
                }
            }
        }
    }
}
