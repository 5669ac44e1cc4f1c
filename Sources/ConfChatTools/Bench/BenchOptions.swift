import ConfChatCore
import ConfChatScenario

/// What `confchat bench` runs: the network's size and shape, the load, and where state lives.
public struct BenchOptions: Sendable {
    public enum Store: String, Sendable, CaseIterable {
        /// Peers' and registry's databases in memory (`MemoryPeerStore`).
        case memory
        /// SQLite databases in a temporary folder, as a simulated run keeps them: every commit
        /// in the run's log (`RunLog`) before any acknowledgement, checkpointed into the databases.
        case disk
    }

    /// How state is set up before the message phase.
    public enum Setup: String, Sendable, CaseIterable {
        /// Every peer registers, logs in, sends and accepts friend requests through its
        /// machine, as a user would: the real cost of building the network.
        case commands
        /// The same durable state written straight into the stores (accounts, friendships,
        /// keys), then every peer logs in through its machine. Bench only: see `BulkSetup`.
        case bulk
    }

    public var peers = 1000
    public var friends = 10
    public var messages = 200_000
    public var transport: TransportKind = .inproc
    public var store: Store = .memory
    public var seed: UInt64 = 1
    /// nil: one-to-one sends. G: every send is a `send-group` to a group of G members.
    public var groupSize: Int?
    /// Sends issued before the network is left to settle; 1 is "light load" (send, drain).
    public var batch = 1000
    /// Bytes of each message body.
    public var bodySize = 32
    public var setup: Setup = .commands
    /// Disk store only: commit each handled input on its own (the scenarios' way: a write of
    /// the log an input) instead of one commit a node, one write of the log, for each round.
    public var commitEachInput = false
    /// Also push the same load through raw libzmq and report the ratio.
    public var compareRaw = true
    /// Also time the seed's way of sending (`SeedWayBench`) and report the engine against it.
    public var seedWay = false
    /// Also push the load through raw libzmq as the protocol's floor (`RawZMQBench`): four
    /// ZeroMQ messages and two sealed backup entries a delivery, what any engine of this
    /// protocol must do at the least.
    public var protocolFloor = false

    public init() {}

    /// Why these options cannot run, or nil. Peers and messages are capped because the
    /// friend graph and the load are built in memory before anything else is checked.
    public func problem() -> String? {
        if peers < 2 || peers > 100_000 { return "--peers must be between 2 and 100,000" }
        if friends < 1 || friends >= peers { return "--friends must be between 1 and peers - 1" }
        if messages < 1 || messages > 10_000_000 { return "--messages must be between 1 and 10,000,000" }
        if batch < 1 { return "--batch must be at least 1" }
        if bodySize < 12 || bodySize > WireCodec.maxBodySize { return "--body-size must be between 12 and \(WireCodec.maxBodySize)" }
        if protocolFloor && !compareRaw { return "--protocol-floor is measured beside raw libzmq: drop --no-raw" }
        if protocolFloor && groupSize != nil { return "--protocol-floor measures one-to-one sends: drop --group-size" }
        if let g = groupSize {
            if g < 2 { return "--group-size must be at least 2" }
            if g - 1 > friends { return "--group-size must be at most friends + 1 (an owner invites its friends)" }
        }
        return nil
    }
}
