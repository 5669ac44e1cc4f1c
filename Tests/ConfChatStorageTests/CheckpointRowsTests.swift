import ConfChatCore
@testable import ConfChatStorage
import Foundation
import GRDB
import Testing

/// The checkpoint binds the message path's rows straight from the run log's records
/// (`apply(records:)`); a standalone process applies the machine's values (`apply(_:)`). A
/// user opening either data directory with `sqlite3` must find the same rows.
@Suite struct CheckpointRowsTests {
    /// Every table of a database, rows in rowid order, each value as its type and its exact
    /// bytes (`typeof`, `hex`: text that is not valid UTF-8 would read back repaired as a
    /// Swift `String`), `stored_at` (SQLite's clock) left out.
    static func dump(_ file: String) throws -> [String: [String]] {
        try DatabaseQueue(path: file).read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            var dump: [String: [String]] = [:]
            for table in tables {
                let columns = try db.columns(in: table).map(\.name).filter { $0 != "stored_at" }
                let select = columns.map { "typeof(\($0)) || ':' || hex(\($0))" }.joined(separator: " || ' ' || ")
                dump[table] = try String.fetchAll(db, sql: "SELECT \(select) FROM \(table) ORDER BY rowid")
            }
            return dump
        }
    }

    /// Commits of every kind, with the texts the direct binding treats apart: ASCII, other
    /// UTF-8, bytes that are not UTF-8 (repaired the same way), empty; blobs empty and not;
    /// groups and none; values long then short at the same position.
    static let peerCommits: [[PeerMutation]] = {
        let messages: [PeerMutation] = [
            .store(ChatRecord(peer: "bob", outgoing: false, seq: 3, body: Array("zoë ✓".utf8), group: "tëam", proof: [1])),
            .store(ChatRecord(peer: "bob", outgoing: false, seq: 4, body: [0x41, 0xFF, 0xC3, 0x42], proof: [])),
            .store(ChatRecord(peer: "carol", outgoing: true, seq: 1, body: Array(repeating: 0x61, count: 500))),
            .store(ChatRecord(peer: "dé", outgoing: true, seq: 2, body: Array("x".utf8), group: "g", kind: .discarded, proof: [9, 9])),
            .restore(ChatRecord(peer: "carol", outgoing: false, seq: 7, body: [], proof: [4])),
            .store(ChatRecord.skipped(peer: "carol", outgoing: false, seq: 8)),
            .store(ChatRecord(peer: "carol", outgoing: false, seq: 8, body: Array("fills it".utf8))),
            .markAcked(peer: "carol", upTo: 1), .markAcked(peer: "dé", upTo: 2), .resetAcked(peer: "carol", to: 0),
            .markAcked(peer: "carol", upTo: 5),
        ]
        let all = SQLiteRowsTests.peerMutations + messages
        return stride(from: 0, to: all.count, by: 3).map { Array(all[$0..<min($0 + 3, all.count)]) }
    }()

    static let registryCommits: [[RegistryMutation]] = {
        let backups: [RegistryMutation] = [
            .addBackup(user: "zoë", BackupEntry(peer: "bob", outgoing: true, seq: 1, body: Array(repeating: 0xFE, count: 300),
                                                group: "tëam", proof: [1, 2])),
            .addBackup(user: "a", BackupEntry(peer: "b", outgoing: false, seq: 9, body: [0], group: nil, proof: [])),
        ]
        let all = SQLiteRowsTests.registryMutations + backups
        return stride(from: 0, to: all.count, by: 4).map { Array(all[$0..<min($0 + 4, all.count)]) }
    }()

    @Test("a run's checkpointed databases hold exactly the rows of the same commits applied as values")
    func checkpointMatchesValues() throws {
        let dir = RunLogTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            // Handed to the applier's thread every few commits, which it applies 4 records at a
            // time or at the end (how many transactions depends on when the thread runs).
            let log = try RunLog(folder: dir + "/run", handOverBytes: 200, recordsPerTransaction: 4)
            let peer = LoggedStore(try SQLitePeerStore(directory: dir + "/run/alice", durability: .simulated), log: log)
            let registry = LoggedStore(try SQLiteRegistryStore(directory: dir + "/run/registry", durability: .simulated), log: log)
            let peerValues = try SQLitePeerStore(directory: dir + "/values/alice", durability: .simulated)
            let registryValues = try SQLiteRegistryStore(directory: dir + "/values/registry", durability: .simulated)
            for (i, commit) in Self.peerCommits.enumerated() {
                try peer.apply(commit)
                try peerValues.apply(commit)
                if i < Self.registryCommits.count {
                    try registry.apply(Self.registryCommits[i])
                    try registryValues.apply(Self.registryCommits[i])
                }
                try log.flush()
            }
            #expect(Self.peerCommits.count >= Self.registryCommits.count)
            try log.checkpoint()
        }
        for file in ["alice/peer.sqlite", "registry/registry.sqlite"] {
            let run = try Self.dump(dir + "/run/" + file), values = try Self.dump(dir + "/values/" + file)
            #expect(run.keys.sorted() == values.keys.sorted())
            for (table, rows) in values {
                #expect(run[table] == rows, "\(file), table \(table)")
            }
        }
        #expect(try SQLiteRowsTests.rows(dir + "/run/alice/peer.sqlite", "messages").contains("'bob' 'in' 4 'A\u{FFFD}\u{FFFD}B' NULL 'message' NULL"),
                "bytes that are not UTF-8 are repaired as the value's text is")
        #expect(try Self.dump(dir + "/run/alice/peer.sqlite")["messages"]?.contains { $0.contains("text:41EFBFBDEFBFBD42") } == true)
    }

    /// One record as `LoggedStore` writes it: the count of its mutations, then each.
    static func record<M: LogCodable>(_ mutations: [M]) -> [UInt8] {
        var e = LogEncoder()
        e.u32(UInt32(mutations.count))
        for m in mutations { m.encode(into: &e) }
        return e.bytes
    }

    @Test("a record cut short, garbled or too long is an error naming what is wrong, and writes nothing")
    func hostileRecords() throws {
        let dir = RunLogTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLitePeerStore(directory: dir, durability: .simulated)
        let commit: [PeerMutation] = [
            .addRequest("carol"), .store(ChatRecord(peer: "bob", outgoing: false, seq: 1, body: Array("hi".utf8), proof: [1])),
            .markAcked(peer: "bob", upTo: 1),
        ]
        let good = Self.record(commit)
        for cut in 0..<good.count {
            #expect(throws: RunLogError.self, "cut at \(cut)") { try store.apply(records: [good[..<cut]]) }
        }
        #expect(throws: RunLogError.self) { try store.apply(records: [good[...], (good + [0])[...]]) }
        var badKind = Self.record([PeerMutation.store(ChatRecord(peer: "b", outgoing: true, seq: 1, body: [], proof: []))])
        badKind[badKind.count - 5] = 7  // the kind, before the proof's length
        #expect { try store.apply(records: [badKind[...]]) } throws: { "\($0)".contains("kind 7") }
        var badTag = good
        badTag[4] = 99
        #expect { try store.apply(records: [badTag[...]]) } throws: { "\($0)".contains("tagged 99") }
        let state = try store.load()
        #expect(state == PeerDurableState(), "no failed batch left a row")
        try store.apply(records: [good[...]])
        var expected = PeerDurableState()
        for m in commit { expected.apply(m) }
        #expect(try store.load() == expected)
    }
}
