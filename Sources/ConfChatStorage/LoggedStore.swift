import ConfChatCore
import ConfChatDriver

/// A node's store in a simulated run on disk: its commits go to the run's shared log
/// (`RunLog`), and reach its own database (`base`) when the log is checkpointed. Loading
/// (a restart, or an expectation reading a crashed peer) first replays the node's records
/// from the log into its database, then reads the database: what a restart from disk reads.
///
/// The mutations are the machine's values, applied by `base.apply` exactly as a store of
/// its own would apply them, a checkpoint's worth of commits in one transaction.
package final class LoggedStore<Base: NodeStore>: NodeStore where Base.Mutation: LogCodable {
    package let base: Base
    private let log: RunLog
    private let node: Int

    package init(_ base: Base, log: RunLog) {
        self.base = base
        self.log = log
        node = log.register { [base] records in
            var mutations: [Base.Mutation] = []
            for record in records {
                var d = LogDecoder(record)
                for _ in 0..<(try d.u32()) { mutations.append(try Base.Mutation.decode(from: &d)) }
                guard d.isAtEnd else { throw RunLogError.corrupt("a record longer than its mutations") }
            }
            try base.apply(mutations)
        }
    }

    /// One commit: a record in the log, durable at the log's next flush.
    package func apply(_ mutations: [Base.Mutation]) throws {
        guard !mutations.isEmpty else { return }
        log.append(node: node) { e in
            e.u32(UInt32(mutations.count))
            for m in mutations { m.encode(into: &e) }
        }
    }

    package func flush() throws { try log.flush() }

    /// The database, with every record of this node's in the log applied to it.
    package func current() throws -> Base {
        try log.checkpoint(node: node)
        return base
    }
}

extension LoggedStore: PeerStore where Base == SQLitePeerStore {
    package func load() throws -> PeerDurableState { try current().load() }
}

extension LoggedStore: RegistryStore where Base == SQLiteRegistryStore {
    package func load() throws -> RegistryDurableState { try current().load() }
}
