import ConfChatCore
@testable import ConfChatStorage
import Foundation
import Testing

/// The run log (`RunLog`, `LoggedStore`): what a node commits reaches its own database,
/// exactly once and in order, whether through a checkpoint of the whole log or the replay
/// of one node's tail at its restart.
@Suite struct RunLogTests {
    static func temporaryFolder() -> String { NSTemporaryDirectory() + "confchat-runlog-" + UUID().uuidString.prefix(12) }

    static let record = ChatRecord(peer: "bob", outgoing: false, seq: 3, body: Array("hé".utf8), group: "team", kind: .discarded,
                                   proof: [1, 2, 3])

    /// One value of every peer mutation, with every optional field both set and not.
    static let peerMutations: [PeerMutation] = [
        .setCredentials(hash: "$argon2id$x"), .setFriend(name: "bob", endpoint: "inproc://bob"), .removeFriend("bob"),
        .addRequest("carol"), .removeRequest("carol"), .store(record),
        .restore(ChatRecord(peer: "dave", outgoing: true, seq: 1, body: [])), .markAcked(peer: "bob", upTo: 7),
        .resetAcked(peer: "bob", to: 2),
        .setGroup(GroupInfo(name: "team", owner: "bob", members: [FriendInfo(name: "bob", endpoint: "e", online: true, key: [9]),
                                                                   FriendInfo(name: "eve", endpoint: "f", online: false)])),
        .setKey(name: "bob", key: Array(repeating: 7, count: 32)), .markUnsynced(["bob", "carol"]), .markUnsynced([]),
        .markSynced("bob"), .overwrite(ChatRecord.skipped(peer: "bob", outgoing: true, seq: 4)),
        .queue(peer: "bob", HistoryItem(group: nil, body: Array("later".utf8), proof: [5])),
        .queue(peer: "bob", HistoryItem(group: "team", body: [])), .dequeue(peer: "bob"), .reserve(peer: "bob", seq: 9),
        .removeGroup("team"), .addInvitation(GroupInvitation(group: "team", owner: "bob")), .removeInvitation(group: "team"),
    ]

    static let registryMutations: [RegistryMutation] = [
        .addAccount(name: "a", hash: "h", endpoint: "e", key: [1]), .setEndpoint(name: "a", endpoint: "e2", key: []),
        .addRequest(from: "a", to: "b"), .removeRequest(from: "a", to: "b"), .addFriendship("a", "b"), .removeFriendship("a", "b"),
        .addMail(to: "b", MailItem(from: "a", seq: 1, body: [1, 2], group: "g", proof: [3])),
        .addMail(to: "b", MailItem(from: "a", seq: 2, body: [])), .removeMail(to: "b", from: "a", upTo: 2),
        .dropMail(to: "b", from: "a", seq: 1),
        .addBackup(user: "a", BackupEntry(peer: "b", outgoing: true, seq: 5, body: [4], group: nil, proof: [])),
        .addBackup(user: "a", BackupEntry(peer: "b", outgoing: false, seq: 6, body: [], group: "g", proof: [8])),
        .createGroup(name: "g", owner: "a"), .addInvitation(group: "g", member: "b"), .joinGroup(group: "g", member: "b"),
        .leaveGroup(group: "g", member: "b"), .destroyGroup("g"),
    ]

    static func roundTrip<M: LogCodable>(_ m: M) throws -> M {
        var e = LogEncoder()
        m.encode(into: &e)
        return try LogDecoder.reading(e.bytes[...]) { d in
            let back = try M.decode(from: &d)
            #expect(d.isAtEnd)
            return back
        }
    }

    @Test("every mutation comes back from the log as the value that went in")
    func mutationsRoundTrip() throws {
        for m in Self.peerMutations { #expect(try Self.roundTrip(m) == m) }
        for m in Self.registryMutations { #expect(try Self.roundTrip(m) == m) }
    }

    @Test("a record cut short is an error, not a crash")
    func truncatedRecord() {
        var e = LogEncoder()
        Self.peerMutations[5].encode(into: &e)
        for cut in 0..<e.bytes.count {
            #expect(throws: RunLogError.self) { try LogDecoder.reading(e.bytes[..<cut]) { d in try PeerMutation.decode(from: &d) } }
        }
    }

    /// Commits that are not idempotent (`queue` twice gives two rows): applied twice by a
    /// checkpoint, or left out, the database would not match the state that saw each once.
    static func commits(_ n: Int) -> [[PeerMutation]] {
        (1...n).map { i in
            var batch: [PeerMutation] = [.store(ChatRecord(peer: "bob", outgoing: i % 2 == 0, seq: UInt64(i), body: Array("m\(i)".utf8))),
                                         .queue(peer: "carol", HistoryItem(group: nil, body: Array("q\(i)".utf8)))]
            if i % 5 == 0 { batch.append(.dequeue(peer: "carol")) }
            if i == 1 { batch.insert(.setCredentials(hash: "$argon2id$h"), at: 0) }
            return batch
        }
    }

    /// Commits `commits(n)` to `store`, each flushed; the state they make.
    static func commit(_ n: Int, to store: LoggedStore<SQLitePeerStore>) throws -> PeerDurableState {
        var state = PeerDurableState()
        for batch in commits(n) {
            try store.apply(batch)
            try store.flush()
            for m in batch { state.apply(m) }
        }
        return state
    }

    @Test("a node's database holds each commit once, in order, across checkpoints and restarts")
    func checkpointsAndReplays() throws {
        let dir = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let expected: PeerDurableState
        do {
            // A small log, so that it is rotated several times along the way, and handed to the
            // applier's thread every few commits while the restarts read it.
            let log = try RunLog(folder: dir, checkpointBytes: 600, handOverBytes: 100)
            let alice = try Self.store("alice", in: dir, log: log)
            let bob = try Self.store("bob", in: dir, log: log)
            var state = PeerDurableState()
            for (i, batch) in Self.commits(40).enumerated() {
                try alice.apply(batch)
                try bob.apply([.addRequest("r\(i)")])
                try log.flush()
                for m in batch { state.apply(m) }
                // A restart of alice now and then: her tail of the log is replayed, then read.
                if i % 7 == 3 { #expect(try alice.load() == state, "alice restarted after commit \(i + 1)") }
            }
            #expect(log.checkpoints > 0, "the log was checkpointed along the way")
            #expect(try alice.load() == state)
            try log.checkpoint()
            #expect(!FileManager.default.fileExists(atPath: log.path + ".1"), "the rotated file was deleted once applied")
            #expect(try FileManager.default.attributesOfItem(atPath: log.path)[.size] as? Int == 0, "the run's end empties the log")
            expected = state
        }
        // Another program (here: a fresh store) reads what the run left.
        #expect(try SQLitePeerStore(directory: dir + "/alice").load() == expected)
        #expect(try SQLitePeerStore(directory: dir + "/bob").load().requests.count == 40)
    }

    /// A peer's store in `dir`, its commits appended to `log`, as the simulator makes them.
    static func store(_ name: String, in dir: String, log: RunLog) throws -> LoggedStore<SQLitePeerStore> {
        LoggedStore(try SQLitePeerStore(directory: dir + "/" + name, durability: .simulated), log: log)
    }

    static func fileSize(_ log: RunLog) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: log.path)[.size] as? Int ?? -1
    }

    @Test("a restart reads what the node committed, from the log, before any checkpoint")
    func restartReplaysTheTail() throws {
        let dir = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try RunLog(folder: dir)
        let alice = try Self.store("alice", in: dir, log: log)
        let state = try Self.commit(6, to: alice)
        #expect(log.checkpoints == 0)
        #expect(try Self.fileSize(log) == 0, "six small commits wait in the log's buffer: one write for many commits")
        #expect(try alice.base.load() == PeerDurableState(), "nothing reached the database yet")
        #expect(try alice.load() == state, "a restart reads them from the buffer")
    }

    @Test("the log's buffer goes to the file once it holds writeBytes; a restart reads records from both")
    func writtenInStretches() throws {
        let dir = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try RunLog(folder: dir, writeBytes: 300)
        let alice = try Self.store("alice", in: dir, log: log)
        let bob = try Self.store("bob", in: dir, log: log)
        var state = PeerDurableState()
        var sizes: Set<Int> = []
        for (i, batch) in Self.commits(30).enumerated() {
            try alice.apply(batch)
            // Bob's records between alice's, some far apart: read in one stretch or several.
            try bob.apply(Array(repeating: .addRequest(String(repeating: "r", count: i % 3 == 0 ? 3000 : 10)), count: 2))
            try log.flush()
            for m in batch { state.apply(m) }
            sizes.insert(try Self.fileSize(log))
            if i % 9 == 8 { #expect(try alice.load() == state, "alice restarted after commit \(i + 1)") }
        }
        #expect(sizes.count > 3, "the file grew in several writes: \(sizes.sorted())")
        #expect(try alice.load() == state)
        try log.checkpoint()
        #expect(try alice.base.load() == state)
    }

    @Test("the applier's thread brings the databases up to date while the run goes on, without a checkpoint")
    func appliedWhileRunning() throws {
        let dir = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try RunLog(folder: dir, handOverBytes: 1)
        let alice = try Self.store("alice", in: dir, log: log)
        let bob = try Self.store("bob", in: dir, log: log)
        let state = try Self.commit(20, to: alice)
        // Bob's restart from his database waits for every record before his own last one:
        // alice's, all handed over before it, are applied too.
        try bob.apply([.addRequest("zed")])
        try bob.flush()
        try log.checkpoint(node: 1)
        #expect(try bob.base.load().requests == ["zed"])
        #expect(try alice.base.load() == state, "alice's records reached her database with no checkpoint of hers")
        #expect(log.checkpoints == 0)
    }

    @Test("a node's records handed over a few at a time reach its database in a few transactions, each once, in order")
    func recordsHeldAcrossHandOvers() throws {
        let dir = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Every commit is handed over on its own; a transaction a hand-over would be 40.
        let log = try RunLog(folder: dir, handOverBytes: 1, recordsPerTransaction: 16)
        let alice = try Self.store("alice", in: dir, log: log)
        let state = try Self.commit(40, to: alice)
        try log.checkpoint()
        #expect(try alice.base.load() == state)
        // Each transaction but the last holds at least 16 records.
        #expect(log.transactions <= 3, "\(log.transactions) transactions for 40 commits")
    }

    /// What a replay was given, call by call (it runs on the applier's thread).
    final class Replays: @unchecked Sendable {
        private let lock = NSLock()
        private var calls: [[UInt8]] = []
        func add(_ records: [ArraySlice<UInt8>]) { lock.withLock { calls.append(records.map { $0.first ?? 0 }) } }
        var all: [[UInt8]] { lock.withLock { calls } }
    }

    @Test("the applier holds a node's records across hand-overs it cannot merge, and applies them together, in order")
    func applierHoldsRecordsAcrossFiles() throws {
        let dir = Self.temporaryFolder()
        try DataDirectory.makePrivateDirectory(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let applier = LogApplier(recordsPerTransaction: 16)
        let replays = Replays()
        let node = applier.register { replays.add($0) }
        // Each record in a file of its own: stretches of different files are never merged,
        // so each is a hand-over the applier takes alone.
        var position = 0
        for i in 0..<40 {
            var e = LogEncoder()
            e.u32(UInt32(node))
            e.data([UInt8(i)])
            let file = try LogFile(path: dir + "/log\(i)")
            try e.withBytes { bytes throws(RunLogError) in try file.write(bytes, at: 0) }
            applier.post(.init(file: file, range: 0..<e.bytes.count, start: position, retire: nil))
            position += e.bytes.count
        }
        try applier.wait(through: position)
        applier.stop()
        #expect(replays.all.flatMap { $0 } == (0..<40).map(UInt8.init), "each record once, in order")
        #expect(replays.all.count <= 3, "\(replays.all.count) transactions for 40 records")
        #expect(applier.transactions == replays.all.count)
    }
}
