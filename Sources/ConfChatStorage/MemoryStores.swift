import ConfChatCore
import ConfChatDriver

/// A peer store that keeps its state in memory: for benchmarks (`--store memory`) and tests.
/// It survives `crash` of the machine (the store object lives on), like a disk would.
public final class MemoryPeerStore: PeerStore {
    private var log = MutationLog(PeerDurableState())
    public init() {}
    public func load() throws -> PeerDurableState { log.read() }
    public func apply(_ mutations: [PeerMutation]) throws { for m in mutations { log.append(m) } }
    /// Each write read where it lies in the driver's batch, and copied once: into the log.
    public func apply(count: Int, _ writes: (_ body: (PeerMutation) throws -> Void) throws -> Void) throws {
        try writes { log.append($0) }
    }
}

/// The registry's counterpart of `MemoryPeerStore`.
public final class MemoryRegistryStore: RegistryStore {
    private var log = MutationLog(RegistryDurableState())
    public init() {}
    public func load() throws -> RegistryDurableState { log.read() }
    public func apply(_ mutations: [RegistryMutation]) throws { for m in mutations { log.append(m) } }
    public func apply(count: Int, _ writes: (_ body: (RegistryMutation) throws -> Void) throws -> Void) throws {
        try writes { log.append($0) }
    }
}

/// A state in memory kept as the disk store keeps its own (the run's log, checkpointed): a
/// transaction's message traffic (`LoggedLater`) is appended as it is and applied only when
/// the state is read (a restart's load, a check). Applying each message's mutations at once
/// to this second copy of the state (the machine holds the first) cost a hashed look-up or
/// two a mutation at every message, for a copy read only after a crash.
///
/// Every other mutation (accounts, friends, keys, sessions, groups: the set-up's, not the
/// message path's) is applied at once, after what waits in the log, so the order of
/// applying stays the order of committing. Logging those too held a peer's whole set-up as
/// a list of mutations, 3.7 KB a peer more than the state they make (the bench's
/// `overhead_per_peer_bytes`, 300 peers: 15,825 -> 12,085 octets when applied at once).
/// What the log holds is then about what the state would: each record or entry shares its
/// body with the machine's copy.
struct MutationLog<State: DurableState> where State.Mutation: LoggedLater {
    private var state: State
    /// Message traffic since the state was last read, in order.
    private var pending: [State.Mutation] = []

    init(_ state: State) { self.state = state }

    /// Appends one mutation of a transaction (the transaction's mutations in order).
    mutating func append(_ m: State.Mutation) {
        if m.isLoggedLater {
            // Room for 16 records at the first: grown from one, the log took a new buffer and
            // moved its records at a peer's 2nd, 3rd, 5th and 9th message, about 0.7 k
            // instructions each on the way of a delivery (its commit; docs/performance.md).
            // Empty until then, so a peer after the set-up holds none of it.
            if pending.capacity == 0 { pending.reserveCapacity(16) }
            pending.append(m)
        } else {
            applyPending()
            state.apply(m)
        }
    }

    /// The state with every transaction so far applied, in order.
    mutating func read() -> State {
        applyPending()
        return state
    }

    private mutating func applyPending() {
        guard !pending.isEmpty else { return }
        for m in pending { state.apply(m) }
        pending.removeAll()
    }
}
