import ConfChatCore

/// Where a node's durable state lives. `apply` is one transaction: all of the batch or none,
/// durable once `flush` returns. A store that writes through (its own database) is durable
/// when `apply` returns and has nothing to flush; one that shares a log with other nodes
/// (`LoggedStore`) appends in `apply` and writes the log in `flush`, so that a whole round of
/// the network's commits can be one write (`NodeDriver.stage` and `release`).
public protocol NodeStore<Mutation>: AnyObject {
    associatedtype Mutation
    func apply(_ mutations: [Mutation]) throws
    func flush() throws
}

extension NodeStore {
    public func flush() throws {}
}

/// A durable state that changes only by mutations, the same way in memory and on disk.
public protocol DurableState: Equatable {
    associatedtype Mutation
    mutating func apply(_ mutation: Mutation)
}

/// A store that keeps its state in memory: it outlives the machine, as a disk would.
public final class InMemoryStore<State: DurableState>: NodeStore {
    public private(set) var state: State

    public init(_ state: State) { self.state = state }

    public func apply(_ mutations: [State.Mutation]) throws {
        for m in mutations { state.apply(m) }
    }
}

extension PeerDurableState: DurableState {}
extension RegistryDurableState: DurableState {}
