import ConfChatStorage
import CSQLiteConfig
import Foundation
import GRDBSQLite
import Testing

/// SQLite's allocator in a conf-chat process keeps no statistics (`CSQLiteConfig`): with
/// them, each of its allocations and frees took a process-wide mutex.
@Suite struct SQLiteAllocatorTests {
    @Test("SQLite counts no memory in use once a store has opened and written its database")
    func noStatistics() throws {
        let dir = RunLogTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLitePeerStore(directory: dir, durability: .simulated)
        try store.apply([.addRequest("carol"), .setFriend(name: "bob", endpoint: "inproc://bob")])
        #expect(try store.load().requests == ["carol"])
        #expect(confchat_sqlite_memstatus_result() == SQLITE_OK, "the setting came before SQLite initialized")
        #expect(sqlite3_memory_used() == 0, "SQLite's allocator counted \(sqlite3_memory_used()) bytes")
    }
}
