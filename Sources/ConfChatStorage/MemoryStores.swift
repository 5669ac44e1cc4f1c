import ConfChatCore

/// A peer store that keeps its state in memory: for benchmarks (`--store memory`) and tests.
/// It survives `crash` of the machine (the store object lives on), like a disk would.
public final class MemoryPeerStore: PeerStore {
    private var state = PeerDurableState()
    public init() {}
    public func load() throws -> PeerDurableState { state }
    public func apply(_ mutations: [PeerMutation]) throws { for m in mutations { state.apply(m) } }
}

/// The registry's counterpart of `MemoryPeerStore`.
public final class MemoryRegistryStore: RegistryStore {
    private var state = RegistryDurableState()
    public init() {}
    public func load() throws -> RegistryDurableState { state }
    public func apply(_ mutations: [RegistryMutation]) throws { for m in mutations { state.apply(m) } }
}
