import ConfChatCore
import ConfChatDriver

/// A peer store that keeps its state in memory: for benchmarks (`--store memory`) and tests.
/// It survives `crash` of the machine (the store object lives on), like a disk would.
public final class MemoryPeerStore: PeerStore {
    private var log = MutationLog(PeerDurableState())
    public init() {}
    public func load() throws -> PeerDurableState { log.read() }
    public func apply(_ mutations: [PeerMutation]) throws { log.append(mutations) }
}

/// The registry's counterpart of `MemoryPeerStore`.
public final class MemoryRegistryStore: RegistryStore {
    private var log = MutationLog(RegistryDurableState())
    public init() {}
    public func load() throws -> RegistryDurableState { log.read() }
    public func apply(_ mutations: [RegistryMutation]) throws { log.append(mutations) }
}

/// A state in memory kept as the disk store keeps its own (the run's log, checkpointed): a
/// transaction is appended as it is, and applied only when the state is read (a restart's
/// load, a check). Applying each transaction at once to this second copy of the state (the
/// machine holds the first) cost a hashed look-up or two a mutation at every message, for a
/// copy read only after a crash. The log holds what the state would: each record or entry
/// shares its body with the machine's copy.
struct MutationLog<State: DurableState> {
    private var state: State
    /// Transactions since the state was last read, in order.
    private var pending: [State.Mutation] = []

    init(_ state: State) { self.state = state }

    mutating func append(_ mutations: [State.Mutation]) { pending.append(contentsOf: mutations) }

    /// The state with every transaction so far applied, in order.
    mutating func read() -> State {
        for m in pending { state.apply(m) }
        pending = []
        return state
    }
}
