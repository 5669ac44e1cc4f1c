import ConfChatCore
import ConfChatScenario

/// What `confchat bench` needs from the simulator beyond what scenarios use. Bench only.
///
/// `command(_:_:)` settles the network after every command, which is right for a scenario
/// line and wrong for a load test: here sends are issued in batches and the network settles
/// once a batch, grouped (one transaction a node a round, `settle(grouped:)`) or not.
extension Simulator {
    /// Writes durable state straight into the registry's store (`BulkSetup`) and starts its
    /// machine again from it, as a restart would.
    package func preloadRegistry(_ mutations: [RegistryMutation]) throws {
        try registryStore.apply(mutations)
        registry = RegistryMachine(durable: try registryStore.load())
    }

    /// Writes durable state straight into a peer's store and starts its machine again from
    /// it, logged out, as a restart would.
    package func preload(_ p: SimPeer, _ mutations: [PeerMutation]) throws {
        try p.store.apply(mutations)
        try startMachine(p)
    }

    /// The peers, by the given names, for issuing commands without a name look-up.
    package func benchPeers(_ names: [String]) throws -> [SimPeer] { try names.map { try peer($0) } }

    /// Runs a command that completes at once (a `send`, a `send-group`) without letting the
    /// network settle; grouped, not even its own writes are committed. Its messages, and its
    /// answer, wait until the next `settle(grouped:)`: then `outcome(of:)` tells.
    package func issue(_ p: SimPeer, _ command: PeerCommand, grouped: Bool) throws -> CommandID {
        let id = nextCommand
        nextCommand += 1
        guard p.isUp else {
            completions.record(id, CommandFailure("\(p.name) is crashed"))
            return id
        }
        if grouped { handleInBatch(p, .command(id, command)) } else { try deliver(p, .command(id, command)) }
        return id
    }

    /// How an issued command ended (nil: it succeeded), once the network settled.
    package func outcome(of id: CommandID) -> CommandFailure? {
        guard let result = completions.take(id) else {
            return CommandFailure("did not complete when the network settled")
        }
        return result
    }
}
