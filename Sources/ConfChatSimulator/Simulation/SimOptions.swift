import ConfChatCore
import ConfChatCrypto
import ConfChatScenario

/// How a simulation is set up: transport, seed, presence timeout, storage.
public struct SimOptions: Sendable {
    public enum Storage: Sendable, Equatable {
        /// SQLite databases under this directory: `registry/` and `peers/NAME/`.
        case disk(String)
        case memory

        /// The folder of the databases, nil in memory.
        var directory: String? {
            if case let .disk(dir) = self { return dir }
            return nil
        }
    }

    public var transport: TransportKind
    public var seed: UInt64
    public var presenceTimeout: Int64
    public var storage: Storage
    public var hashCost: Argon2Hasher.Cost
    /// Fault injection for testing checkers (`confchat chaos --break-dedupe`): false makes
    /// every peer store duplicate messages instead of dropping them (`PeerConfig.dedupe`).
    public var dedupe = true
    /// How long a peer retries a registry request before the action fails, in simulated
    /// milliseconds: the scenario's `timeout` (default 5 s; `Simulator.requestBudget` follows
    /// a `timeout` statement), so that under loss a request has as long to get through as an
    /// `expect` has to hold.
    public var requestBudget: Int64

    public init(transport: TransportKind = .inproc, seed: UInt64 = 1, presenceTimeout: Int64 = 5000,
                storage: Storage = .memory, hashCost: Argon2Hasher.Cost = .fast, requestBudget: Int64 = 5000) {
        self.requestBudget = requestBudget
        self.transport = transport
        self.seed = seed
        self.presenceTimeout = presenceTimeout
        self.storage = storage
        self.hashCost = hashCost
    }
}
