import ConfChatCore
@testable import ConfChatStorage
import Foundation
import GRDB
import Testing

/// The rows a user finds with `sqlite3` in a data directory: each table's contents, value
/// by value (text, integer, BLOB, zero-length BLOB or NULL), after every kind of mutation.
/// The stores write and read through SQLite's C API (`SQLiteStatement`); the rows are the
/// data directory's format, which must not change with how they are written.
@Suite struct SQLiteRowsTests {
    /// Every row of `table` in rowid order, each as its columns' SQL literals (`quote`),
    /// `stored_at` left out (SQLite's clock) but checked to be set for a stored message.
    static func rows(_ file: String, _ table: String) throws -> [String] {
        try DatabaseQueue(path: file).read { db in
            let columns = try db.columns(in: table).map(\.name).filter { $0 != "stored_at" }
            let select = columns.map { "quote(\($0))" }.joined(separator: " || ' ' || ")
            return try String.fetchAll(db, sql: "SELECT \(select) FROM \(table) ORDER BY rowid")
        }
    }

    static let peerMutations: [PeerMutation] = [
        .setCredentials(hash: "$argon2id$x"), .setFriend(name: "bob", endpoint: "inproc://bob"), .setFriend(name: "eve", endpoint: ""),
        .removeFriend("eve"), .addRequest("carol"), .addRequest("dave"), .removeRequest("carol"),
        .store(ChatRecord(peer: "bob", outgoing: false, seq: 1, body: Array("hé".utf8), group: "team", kind: .discarded, proof: [1, 2])),
        .store(ChatRecord(peer: "bob", outgoing: true, seq: 1, body: [])),
        .store(ChatRecord.skipped(peer: "bob", outgoing: false, seq: 2)),
        .store(ChatRecord(peer: "bob", outgoing: false, seq: 2, body: Array("fills the gap".utf8))),
        .restore(ChatRecord(peer: "bob", outgoing: false, seq: 1, body: Array("not again".utf8))),
        .overwrite(ChatRecord(peer: "bob", outgoing: true, seq: 1, body: Array("over".utf8), proof: [7])),
        .markAcked(peer: "bob", upTo: 7), .resetAcked(peer: "eve", to: 2),
        .setGroup(GroupInfo(name: "team", owner: "bob", members: [FriendInfo(name: "bob", endpoint: "e", online: true, key: [9]),
                                                                   FriendInfo(name: "eve", endpoint: "f", online: false)])),
        .setGroup(GroupInfo(name: "gone", owner: "bob", members: [FriendInfo(name: "bob", endpoint: "e", online: true)])),
        .removeGroup("gone"),
        .setKey(name: "bob", key: Array(repeating: 7, count: 4)), .setKey(name: "eve", key: []),
        .markUnsynced(["bob", "carol"]), .markSynced("carol"),
        .queue(peer: "bob", HistoryItem(group: nil, body: Array("later".utf8))),
        .queue(peer: "carol", HistoryItem(group: "team", body: [])), .queue(peer: "dave", HistoryItem(group: nil, body: Array("x".utf8))),
        .dequeue(peer: "dave"), .reserve(peer: "bob", seq: 9),
        .addInvitation(GroupInvitation(group: "team", owner: "bob")), .addInvitation(GroupInvitation(group: "club", owner: "eve")),
        .removeInvitation(group: "club"),
    ]

    @Test("a peer's database holds each kind of mutation as the rows users read")
    func peerRows() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLitePeerStore(directory: dir, durability: .simulated)
        for m in Self.peerMutations { try store.apply([m]) }
        let state = try store.load()
        var expected = PeerDurableState()
        for m in Self.peerMutations { expected.apply(m) }
        #expect(state == expected, "a restart reads back what was applied")
        _ = consume store  // the simulated store holds its file alone until it is closed

        let file = dir + "/peer.sqlite"
        #expect(try Self.rows(file, "account") == ["1 '$argon2id$x'"])
        #expect(try Self.rows(file, "friends") == ["'bob' 'inproc://bob'"])
        #expect(try Self.rows(file, "friend_requests") == ["'dave'"])
        #expect(try Self.rows(file, "messages") == [
            "'bob' 'in' 1 'hé' 'team' 'discarded' X'0102'",
            "'bob' 'out' 1 'over' NULL 'message' X'07'",
            "'bob' 'in' 2 'fills the gap' NULL 'message' NULL",
        ])
        #expect(try DatabaseQueue(path: file).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM messages WHERE stored_at IS NULL") } == 0)
        #expect(try Self.rows(file, "groups") == ["'team' 'bob'"])
        #expect(try Self.rows(file, "group_members") == ["'team' 'bob' 'e'", "'team' 'eve' 'f'"])
        #expect(try Self.rows(file, "group_invitations") == ["'team' 'bob'"])
        #expect(try Self.rows(file, "public_keys") == ["'bob' X'07070707'", "'eve' X''"])
        #expect(try Self.rows(file, "unsynced") == ["'bob'"])
        #expect(try Self.rows(file, "queued") == ["1 'bob' NULL 'later'", "2 'carol' 'team' ''"])
        #expect(try Self.rows(file, "acks") == ["'bob' 7", "'eve' 2"])
        #expect(try Self.rows(file, "reserved") == ["'bob' 9"])
    }

    @Test("a seq above 2^63 (a hostile friend's acknowledgement, reserved) is kept and read back, not a trap")
    func seqsPastInt64() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLitePeerStore(directory: dir, durability: .simulated)
        let huge = UInt64.max - 1
        let mutations: [PeerMutation] = [
            .setFriend(name: "bob", endpoint: "inproc://bob"), .reserve(peer: "bob", seq: huge), .markAcked(peer: "bob", upTo: huge),
            .store(ChatRecord(peer: "bob", outgoing: true, seq: huge, body: Array("far".utf8))),
        ]
        try store.apply(mutations)
        var expected = PeerDurableState()
        for m in mutations { expected.apply(m) }
        #expect(try store.load() == expected)
    }

    @Test("a checkpoint's batch (every mutation in one transaction) leaves the same rows as one mutation at a time")
    func peerRowsInOneBatch() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Acknowledgements of the same friends again and again (the last one counts), and
        // values of each position long then short then long (each bound where the last was).
        let more: [PeerMutation] = [
            .markAcked(peer: "bob", upTo: 3), .markAcked(peer: "bob", upTo: 5), .resetAcked(peer: "eve", to: 1),
            .store(ChatRecord(peer: "a-long-name-of-a-friend", outgoing: false, seq: 9, body: Array(repeating: 120, count: 300))),
            .store(ChatRecord(peer: "z", outgoing: true, seq: 10, body: Array("short".utf8))),
            .store(ChatRecord(peer: "a-longer-name-of-another-friend", outgoing: false, seq: 11, body: Array(repeating: 121, count: 1000))),
        ]
        let mutations = more + Self.peerMutations
        let one = try SQLitePeerStore(directory: dir + "/one", durability: .simulated)
        for m in mutations { try one.apply([m]) }
        let batch = try SQLitePeerStore(directory: dir + "/batch", durability: .simulated)
        try batch.apply(mutations)
        #expect(try batch.load() == one.load())
        _ = consume one
        _ = consume batch
        for table in ["messages", "acks", "friends", "group_members", "public_keys", "queued", "unsynced", "reserved"] {
            #expect(try Self.rows(dir + "/batch/peer.sqlite", table) == Self.rows(dir + "/one/peer.sqlite", table), "table \(table)")
        }
        #expect(try Self.rows(dir + "/batch/peer.sqlite", "acks") == ["'bob' 7", "'eve' 2"])
    }

    static let registryMutations: [RegistryMutation] = [
        .addAccount(name: "a", hash: "h", endpoint: "e", key: [1]), .addAccount(name: "b", hash: "h2", endpoint: "f", key: []),
        .setEndpoint(name: "a", endpoint: "e2", key: [2, 3]),
        .addRequest(from: "a", to: "b"), .addRequest(from: "b", to: "c"), .removeRequest(from: "a", to: "b"),
        .addFriendship("b", "a"), .addFriendship("c", "d"), .removeFriendship("d", "c"),
        .addMail(to: "b", MailItem(from: "a", seq: 1, body: [1, 2], group: "g", proof: [3])),
        .addMail(to: "b", MailItem(from: "a", seq: 2, body: [])), .addMail(to: "b", MailItem(from: "c", seq: 1, body: [5])),
        .addMail(to: "b", MailItem(from: "c", seq: 2, body: [6])), .removeMail(to: "b", from: "c", upTo: 1),
        .dropMail(to: "b", from: "a", seq: 1),
        .addBackup(user: "a", BackupEntry(peer: "b", outgoing: true, seq: 5, body: [4], group: nil, proof: [])),
        .addBackup(user: "a", BackupEntry(peer: "b", outgoing: false, seq: 6, body: [], group: "g", proof: [8])),
        .addBackup(user: "a", BackupEntry(peer: "b", outgoing: false, seq: 6, body: [9], group: nil, proof: [])),
        .createGroup(name: "g", owner: "a"), .addInvitation(group: "g", member: "b"), .addInvitation(group: "g", member: "c"),
        .joinGroup(group: "g", member: "b"), .createGroup(name: "h", owner: "b"), .joinGroup(group: "h", member: "a"),
        .leaveGroup(group: "h", member: "a"), .createGroup(name: "x", owner: "a"), .addInvitation(group: "x", member: "b"),
        .destroyGroup("x"),
    ]

    @Test("the registry's database holds each kind of mutation as the rows users read")
    func registryRows() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteRegistryStore(directory: dir, durability: .simulated)
        for m in Self.registryMutations { try store.apply([m]) }
        _ = consume store

        let file = dir + "/registry.sqlite"
        #expect(try Self.rows(file, "accounts") == ["'a' 'h' 'e2' X'0203'", "'b' 'h2' 'f' X''"])
        #expect(try Self.rows(file, "friend_requests") == ["2 'b' 'c'"])
        #expect(try Self.rows(file, "friendships") == ["'a' 'b'"])
        #expect(try Self.rows(file, "mailbox") == ["'b' 'a' 2 NULL X'' X''", "'b' 'c' 2 NULL X'06' X''"])
        #expect(try Self.rows(file, "backups") == ["'a' 'b' 'out' 5 NULL X'04' X''", "'a' 'b' 'in' 6 'g' X'' X'08'"])
        #expect(try Self.rows(file, "groups") == ["'g' 'a'", "'h' 'b'"])
        #expect(try Self.rows(file, "group_members") == ["1 'g' 'a'", "2 'g' 'b'", "3 'h' 'b'"])
        #expect(try Self.rows(file, "group_invitations") == ["'g' 'c'"])
    }

    @Test("the registry reads back what it wrote")
    func registryLoads() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // What adds rows only: a removal leaves an empty list in memory where the database
        // has no row, so the two states would differ in nothing a user sees.
        let added = Self.registryMutations.filter {
            switch $0 {
            case .removeRequest, .removeFriendship, .removeMail, .dropMail, .leaveGroup, .destroyGroup: false
            default: true
            }
        }
        var expected = RegistryDurableState()
        do {
            let store = try SQLiteRegistryStore(directory: dir, durability: .simulated)
            try store.apply(added)
            for m in added { expected.apply(m) }
        }
        #expect(try SQLiteRegistryStore(directory: dir).load() == expected)
    }

    @Test("a registry read back from its database gives each user the backup marks it kept running")
    func registryBackupMarksLoad() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Two users' entries with three others, both directions, seqs out of order, repeats.
        let users = ["a", "b"], peers = ["b", "c", "d"]
        let backups: [RegistryMutation] = (0..<300).map { (i: Int) -> RegistryMutation in
            let seq = UInt64(i * 7 % 40 + 1)
            let entry = BackupEntry(peer: peers[i % 3], outgoing: i % 5 < 2, seq: seq, body: [UInt8(truncatingIfNeeded: i)])
            return .addBackup(user: users[i % 2], entry)
        }
        var running = RegistryDurableState()
        do {
            let store = try SQLiteRegistryStore(directory: dir, durability: .simulated)
            try store.apply(backups)
            for m in backups { running.apply(m) }
        }
        let loaded = try SQLiteRegistryStore(directory: dir).load()
        for user in ["a", "b", "c"] { #expect(loaded.backupMarks(user) == running.backupMarks(user)) }
        #expect(running.backupMarks("a").count == 6)
        #expect(running.backupMarks("a").map(\.held).reduce(0, +) == UInt32(running.backups["a"]!.count))
    }
}
