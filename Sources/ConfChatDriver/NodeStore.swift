import ConfChatCore

/// Where a node's durable state lives. `apply` is one transaction: all of the batch or none.
public protocol NodeStore<Mutation>: AnyObject {
    associatedtype Mutation
    func apply(_ mutations: [Mutation]) throws
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
