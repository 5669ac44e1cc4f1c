import ConfChatCore
@testable import ConfChatStorage
import Foundation
import Testing

/// A restart of a node in a simulated run on disk reads the state it kept from its last load
/// and its records in the log since (`LoggedStore`); its database is brought up to date only
/// at checkpoints. The state must be the one its database gives once the log is checkpointed.
@Suite struct LoggedStoreTests {
    @Test("a restart reads the node's records back from the log and leaves its database to the checkpoint")
    func restartLeavesTheDatabase() throws {
        let dir = RunLogTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try RunLog(folder: dir)
        let alice = try RunLogTests.store("alice", in: dir, log: log)
        var state = PeerDurableState()
        for (i, batch) in RunLogTests.commits(12).enumerated() {
            try alice.apply(batch)
            try alice.flush()
            for m in batch { state.apply(m) }
            if i % 4 == 1 { #expect(try alice.load() == state, "a restart after commit \(i + 1)") }
        }
        #expect(try alice.base.load() == PeerDurableState(), "the restarts wrote nothing to the database")
        #expect(try alice.load() == state)
        try log.checkpoint()
        #expect(try alice.base.load() == state, "the checkpoint wrote every record, once")
        #expect(try alice.load() == state)
    }

    @Test("every kind of peer mutation gives the same state from the log as from the database")
    func sameStateEitherWay() throws {
        let dir = RunLogTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try RunLog(folder: dir)
        let peer = try RunLogTests.store("alice", in: dir, log: log)
        for (i, m) in SQLiteRowsTests.peerMutations.enumerated() {
            try peer.apply([m])
            if i % 5 == 0 { _ = try peer.load() }
        }
        let fromLog = try peer.load()
        try log.checkpoint()
        #expect(try peer.base.load() == fromLog)
    }

    struct Interrupted: Error {}

    @Test("a commit handed write by write is one record; one that fails part way leaves none")
    func commitWriteByWrite() throws {
        let dir = RunLogTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try RunLog(folder: dir)
        let alice = try RunLogTests.store("alice", in: dir, log: log)
        var state = PeerDurableState()
        for batch in RunLogTests.commits(3) {
            // What the node driver does: the writes where they lie in its batch.
            try alice.apply(count: batch.count) { body in for m in batch { try body(m) } }
            try alice.flush()
            for m in batch { state.apply(m) }
        }
        // The transaction stops after its first write: none of it is committed.
        #expect(throws: Interrupted.self) {
            try alice.apply(count: 2) { body in
                try body(.addRequest("never"))
                throw Interrupted()
            }
        }
        try alice.apply([.addRequest("zed")])
        state.apply(.addRequest("zed"))
        #expect(try alice.load() == state, "a restart reads each whole commit, and nothing of the one that failed")
        try log.checkpoint()
        #expect(try alice.base.load() == state, "the checkpoint applies the same")
        #expect(log.transactions >= 1)
    }

    @Test("after a checkpoint took records the kept state did not hold, a restart reads the database")
    func checkpointDropsTheKeptState() throws {
        let dir = RunLogTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try RunLog(folder: dir)
        let alice = try RunLogTests.store("alice", in: dir, log: log)
        var state = PeerDurableState()
        for batch in RunLogTests.commits(5) {
            try alice.apply(batch)
            for m in batch { state.apply(m) }
        }
        try log.checkpoint()
        let more: [PeerMutation] = [.addRequest("zed")]
        try alice.apply(more)
        state.apply(more[0])
        #expect(try alice.load() == state)
    }
}
