import ConfChatCore
import ConfChatDriver

/// A database whose whole state can be read back (a restart), in the same values the
/// machine applies: what `LoggedStore` keeps between restarts.
package protocol LoadableStore: NodeStore where Mutation == State.Mutation {
    associatedtype State: DurableState
    /// What a new database holds.
    static var empty: State { get }
    /// Whether the store made its database when it opened it (so it holds `empty`).
    var isNew: Bool { get }
    /// Whether `load` gives exactly the state its mutations make in memory (`State.apply`),
    /// so that a state kept in memory may stand for a read of the database.
    static var readsBackExactly: Bool { get }
    func load() throws -> State
}

extension SQLitePeerStore: LoadableStore {
    package static var empty: PeerDurableState { PeerDurableState() }
    /// Every peer mutation reads back as applied (`SQLiteRowsTests`).
    package static var readsBackExactly: Bool { true }
}

extension SQLiteRegistryStore: LoadableStore {
    package static var empty: RegistryDurableState { RegistryDurableState() }
    /// A removal leaves an empty list in memory where the database has no row.
    package static var readsBackExactly: Bool { false }
}
