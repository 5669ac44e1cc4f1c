import ConfChatCore

/// Where a node's durable state lives. `apply` is one transaction: all of the batch or none,
/// durable once `flush` returns. A store that writes through (its own database) is durable
/// when `apply` returns and has nothing to flush; one that shares a log with other nodes
/// (`LoggedStore`) appends in `apply` and flushes the log in `flush`, so that a whole round
/// of the network's commits can be one flush (`NodeDriver.stage` and `release`).
public protocol NodeStore<Mutation>: AnyObject {
    associatedtype Mutation
    func apply(_ mutations: [Mutation]) throws
    /// `apply` of a batch's `count` writes where they lie among its effects: `writes` hands
    /// each to `body` in order (`NodeDriver`). A list of them would copy each (a retain of
    /// every `String` and array in it) only to destroy the copies after the transaction. By
    /// default the writes are gathered into a list for `apply(_:)`; a store that can take
    /// them one by one (the memory stores) does so.
    func apply(count: Int, _ writes: (_ body: (Mutation) throws -> Void) throws -> Void) throws
    func flush() throws
}

extension NodeStore {
    public func flush() throws {}

    public func apply(count: Int, _ writes: (_ body: (Mutation) throws -> Void) throws -> Void) throws {
        var mutations: [Mutation] = []
        mutations.reserveCapacity(count)
        try writes { mutations.append($0) }
        try apply(mutations)
    }
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

    public func apply(count: Int, _ writes: (_ body: (State.Mutation) throws -> Void) throws -> Void) throws {
        try writes { state.apply($0) }
    }
}

extension PeerDurableState: DurableState {}
extension RegistryDurableState: DurableState {}
