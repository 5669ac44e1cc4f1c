import ConfChatCore
import ConfChatDriver

/// A node's store in a simulated run on disk: its commits go to the run's shared log
/// (`RunLog`), and reach its own database (`base`) on the log's applier thread.
///
/// Loading (a restart, or an expectation reading a crashed peer) reads the node's state as
/// of its last commit: what its database holds and its records in the log. The store keeps
/// the state its last load returned (for a new database, the empty state), and how many of
/// its records that state includes; a load reads back from the file only the node's records
/// since, and applies them to that state in memory, the way the machine applied them: a
/// restart writes nothing, reads no table and waits for no thread. Only when some of those
/// records can no longer be read back (the file was rotated or ended since) is the kept
/// state dropped, and the load waits until the node's records are in its database and reads
/// it whole, as a restart from disk does. (So does every load of a store whose state does
/// not read back exactly as applied: the registry's, `LoadableStore.readsBackExactly`.)
///
/// The mutations are the machine's values: the checkpoint writes a node's records to its
/// database in one transaction (`LogCheckpointed`), the same rows as `base.apply` of their
/// mutations would (`CheckpointRowsTests`), and a load applies them by `State.apply` exactly as
/// the machine applied them: the same state either way (`LoggedStoreTests`).
package final class LoggedStore<Base: LoadableStore & LogCheckpointed>: NodeStore where Base.Mutation: LogCodable {
    package let base: Base
    private let log: RunLog
    private var node = 0
    /// The state after the node's first `folded` records, if known.
    private var kept: Base.State?
    private var folded = 0
    /// The node's records so far.
    private var appended = 0

    package init(_ base: Base, log: RunLog) {
        self.base = base
        self.log = log
        kept = base.isNew && Base.readsBackExactly ? Base.empty : nil
        node = log.register { [base] records in try base.apply(records: records) }
    }

    /// One commit: a record in the log, durable at the log's next flush.
    package func apply(_ mutations: [Base.Mutation]) throws {
        try apply(count: mutations.count) { body in
            for m in mutations { try body(m) }
        }
    }

    /// The same, each write encoded where the driver's batch holds it: a list of them (the
    /// protocol's default) copied each, and made an array a commit, only to encode them.
    package func apply(count: Int, _ writes: (_ body: (Base.Mutation) throws -> Void) throws -> Void) throws {
        guard count > 0 else { return }
        try log.append(node: node) { e in
            let at = e.count
            e.u32(UInt32(count))
            var written: UInt32 = 0
            try writes {
                $0.encode(into: &e)
                written += 1
            }
            if written != count { e.u32(written, at: at) }  // the record says what it holds
        }
        appended += 1
    }

    package func flush() throws { try log.flush() }

    /// The node's state as of its last commit.
    func state() throws -> Base.State {
        if var state = kept, appended - folded <= log.recordsInFile(node: node) {
            kept = nil  // not shared while the records are applied
            try Self.forEachMutation(in: log.records(node: node, last: appended - folded)) { state.apply($0) }
            kept = state
            folded = appended
            return state
        }
        kept = nil
        try log.checkpoint(node: node)
        let state = try base.load()
        if Base.readsBackExactly {
            kept = state
            folded = appended
        }
        return state
    }

    /// Hands `body` the mutations of the node's records, in order, each as it is decoded. A
    /// restart applied them from an array of all of them: each appended (the array grown
    /// as it filled), copied out to be applied (a retain of each of its fields) and
    /// destroyed, about 13 k instructions a load (4.7 M for the 354 loads of the generated
    /// 10,000-statement scenario). A record that does not decode throws part way; the caller's state, applied
    /// up to there, is then dropped (`state()` keeps nothing of it).
    private static func forEachMutation(in records: [ArraySlice<UInt8>], _ body: (Base.Mutation) -> Void) throws {
        for record in records {
            try LogDecoder.reading(record) { d throws(RunLogError) in
                for _ in 0..<(try d.u32()) { body(try Base.Mutation.decode(from: &d)) }
                guard d.isAtEnd else { throw .corrupt("a record longer than its mutations") }
            }
        }
    }
}

/// A database the run log's checkpoint writes (`LogApplier`): it applies its node's records,
/// in order, in one transaction, leaving the rows that `apply` of their mutations leaves.
package protocol LogCheckpointed {
    func apply(records: [ArraySlice<UInt8>]) throws
}

extension SQLitePeerStore: LogCheckpointed {}
extension SQLiteRegistryStore: LogCheckpointed {}

extension LoggedStore: PeerStore where Base == SQLitePeerStore {
    package func load() throws -> PeerDurableState { try state() }
}

extension LoggedStore: RegistryStore where Base == SQLiteRegistryStore {
    package func load() throws -> RegistryDurableState { try state() }
}
