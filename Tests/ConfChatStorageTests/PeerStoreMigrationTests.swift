import ConfChatCore
import ConfChatStorage
import Foundation
import GRDB
import Testing

/// A data directory written by an older confchat still opens: the peer's store reads (and
/// migrates) the rows it finds.
@Suite struct PeerStoreMigrationTests {
    /// The `messages` table as confchat wrote it before records had a kind: a `discarded` flag,
    /// set both for a group message kept only for the sequence and for a SKIP placeholder
    /// (told apart by the group: a placeholder has none).
    static let flaggedSchema = """
        CREATE TABLE messages (
            peer TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            seq INTEGER NOT NULL,
            text TEXT NOT NULL,
            grp TEXT,
            discarded INTEGER NOT NULL DEFAULT 0,
            proof BLOB,
            PRIMARY KEY (peer, direction, seq)
        );
        CREATE TABLE account (id INTEGER PRIMARY KEY CHECK (id = 1), password_hash TEXT NOT NULL);
        INSERT INTO account (id, password_hash) VALUES (1, '$argon2id$old');
        INSERT INTO messages (peer, direction, seq, text, grp, discarded) VALUES
            ('bob', 'in', 1, 'hello', NULL, 0),
            ('bob', 'in', 2, '', NULL, 1),
            ('bob', 'in', 3, 'for the team', 'team', 1),
            ('bob', 'in', 4, 'team talk', 'team', 0),
            ('bob', 'out', 1, '', NULL, 1);
        """

    /// A fresh folder's path (the store makes the folder).
    static func temporaryFolder() -> String { NSTemporaryDirectory() + "confchat-storage-" + UUID().uuidString.prefix(12) }

    @Test("a data directory from before records had a kind opens, each record of the kind it was")
    func flaggedRowsBecomeKinds() throws {
        let dir = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try DatabaseQueue(path: dir + "/peer.sqlite").write { try $0.execute(sql: Self.flaggedSchema) }

        let store = try SQLitePeerStore(directory: dir)
        let state = try store.load()
        #expect(state.credentials == "$argon2id$old")
        let c = try #require(state.conversations["bob"])
        #expect(c.received.map(\.kind) == [.message, .skipped, .discarded, .message])
        #expect(c.received.map(\.text) == ["hello", "", "for the team", "team talk"])
        #expect(c.received.map(\.group) == [nil, nil, "team", "team"])
        #expect(c.sent.map(\.kind) == [.skipped])
        #expect(c.contiguousReceived == 4, "placeholders keep the sequence whole")

        // Migrated rows behave as new ones: the real message takes a placeholder's place, a
        // discarded message stays as it is.
        try store.apply([.store(ChatRecord(peer: "bob", outgoing: false, seq: 2, body: Array("found".utf8))),
                         .store(ChatRecord(peer: "bob", outgoing: false, seq: 3, body: Array("other".utf8)))])
        let reopened = try SQLitePeerStore(directory: dir).load().conversations["bob"]
        #expect(reopened?.received.map(\.text) == ["hello", "found", "for the team", "team talk"])
        #expect(reopened?.received.map(\.kind) == [.message, .message, .discarded, .message])
    }

    @Test("a record's kind survives the disk as it is in memory")
    func kindsRoundTrip() throws {
        let dir = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let records = [
            ChatRecord(peer: "bob", outgoing: false, seq: 1, body: Array("hi".utf8)),
            ChatRecord.skipped(peer: "bob", outgoing: false, seq: 2),
            ChatRecord(peer: "bob", outgoing: false, seq: 3, body: Array("x".utf8), group: "team", kind: .discarded),
        ]
        try SQLitePeerStore(directory: dir).apply(records.map { .store($0) })
        var memory = PeerDurableState()
        for r in records { memory.apply(.store(r)) }
        #expect(try SQLitePeerStore(directory: dir).load().conversations == memory.conversations)
    }
}
