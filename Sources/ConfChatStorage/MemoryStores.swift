import ConfChatCore
import ConfChatDriver

/// A peer store that keeps its state in memory: for benchmarks (`--store memory`), chaos and
/// tests. It survives `crash` of the machine (the store object lives on), like a disk would.
public final class MemoryPeerStore: PeerStore {
    private var state = MemoryLog(PeerDurableState())
    public init() {}
    public func load() throws -> PeerDurableState { state.read() }
    public func apply(_ mutations: [PeerMutation]) throws { state.append(mutations) }
}

/// The registry's counterpart of `MemoryPeerStore`.
public final class MemoryRegistryStore: RegistryStore {
    private var state = MemoryLog(RegistryDurableState())
    public init() {}
    public func load() throws -> RegistryDurableState { state.read() }
    public func apply(_ mutations: [RegistryMutation]) throws { state.append(mutations) }
}

/// A durable state kept as the state last read plus the mutations committed since.
///
/// The running machine has already applied every mutation it commits to its own copy, and
/// nobody reads the store's copy until the node restarts. Applying each mutation here as
/// well doubled the work of every input (a dictionary look-up by name and an insert for each
/// stored message and backup entry); appending it to a log costs a copy of the value. The
/// log is folded into the state when the state is read, which also bounds how long it grows
/// between restarts to the mutations the node made in between (each is at most the size of
/// the state change it describes).
struct MemoryLog<State: DurableState> {
    private var state: State
    private var log: [State.Mutation] = []

    init(_ state: State) { self.state = state }

    mutating func append(_ mutations: [State.Mutation]) { log.append(contentsOf: mutations) }

    mutating func read() -> State {
        for m in log { state.apply(m) }
        log.removeAll()
        return state
    }
}
