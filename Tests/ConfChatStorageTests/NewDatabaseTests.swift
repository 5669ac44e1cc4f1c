import ConfChatCore
@testable import ConfChatStorage
import Foundation
import GRDB
import Testing

/// A new database of the simulator is a copy of a template made by the store's own schema
/// (`SQLiteTemplate`); it must be the database the schema makes: the same tables, columns
/// and indexes, whole (`PRAGMA integrity_check`), and one that every later open accepts.
@Suite struct NewDatabaseTests {
    /// The schema as SQLite keeps it, and the file's integrity.
    static func shape(_ file: String) throws -> (schema: [String], integrity: String?) {
        try DatabaseQueue(path: file).read { db in
            (try String.fetchAll(db, sql: "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name"),
             try String.fetchOne(db, sql: "PRAGMA integrity_check"))
        }
    }

    @Test("a simulated run's new peer database is the one the schema makes, and a standalone peer opens it")
    func peerTemplate() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mutations = SQLiteRowsTests.peerMutations
        do {
            let simulated = try SQLitePeerStore(directory: dir + "/simulated", durability: .simulated)
            #expect(simulated.isNew)
            try simulated.apply(mutations)
            let standalone = try SQLitePeerStore(directory: dir + "/standalone")
            #expect(standalone.isNew)
        }
        let made = try Self.shape(dir + "/standalone/peer.sqlite")
        let copied = try Self.shape(dir + "/simulated/peer.sqlite")
        #expect(copied.schema == made.schema)
        #expect(copied.schema.count > 12)
        #expect(copied.integrity == "ok")
        var expected = PeerDurableState()
        for m in mutations { expected.apply(m) }
        let reopened = try SQLitePeerStore(directory: dir + "/simulated")
        #expect(!reopened.isNew)
        #expect(try reopened.load() == expected)
    }

    @Test("a simulated run's new registry database is the one the schema makes, and a standalone registry opens it")
    func registryTemplate() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mutations = RunLogTests.registryMutations
        do {
            try SQLiteRegistryStore(directory: dir + "/simulated", durability: .simulated).apply(mutations)
            try SQLiteRegistryStore(directory: dir + "/standalone").apply(mutations)
        }
        let made = try Self.shape(dir + "/standalone/registry.sqlite")
        let copied = try Self.shape(dir + "/simulated/registry.sqlite")
        #expect(copied.schema == made.schema)
        #expect(copied.integrity == "ok")
        #expect(try SQLiteRegistryStore(directory: dir + "/simulated").load() == SQLiteRegistryStore(directory: dir + "/standalone").load())
    }

    @Test("a database file that is already there is opened, not overwritten")
    func existingFileKept() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SQLitePeerStore(directory: dir, durability: .simulated).apply([.setCredentials(hash: "$argon2id$kept")])
        let again = try SQLitePeerStore(directory: dir, durability: .simulated)
        #expect(!again.isNew)
        #expect(try again.load().credentials == "$argon2id$kept")
    }

    @Test("a simulated run's new database is opened at its first use; any other at once")
    func newDatabaseOpenedAtFirstUse() throws {
        let dir = PeerStoreMigrationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var expected = PeerDurableState()
        do {
            let peer = try SQLitePeerStore(directory: dir + "/peer", durability: .simulated)
            let registry = try SQLiteRegistryStore(directory: dir + "/registry", durability: .simulated)
            #expect(peer.isNew && registry.isNew)
            #expect(!peer.connection.isOpen && !registry.connection.isOpen)
            // The file is there, the template's copy, before any connection: `sqlite3` opens it.
            #expect(try Self.shape(dir + "/peer/peer.sqlite").integrity == "ok")
            // The first use opens it (in a run, the applier's first checkpoint of the node).
            let mutations = SQLiteRowsTests.peerMutations
            try peer.apply(mutations)
            #expect(peer.connection.isOpen)
            for m in mutations { expected.apply(m) }
            #expect(try peer.load() == expected)
            #expect(try registry.load() == RegistryDurableState())
            #expect(registry.connection.isOpen)
        }
        // A standalone node's new database, and one already on disk, are opened at once.
        #expect(try SQLitePeerStore(directory: dir + "/standalone").connection.isOpen)
        let existing = try SQLitePeerStore(directory: dir + "/peer", durability: .simulated)
        #expect(!existing.isNew && existing.connection.isOpen)
        #expect(try existing.load() == expected)
    }
}
