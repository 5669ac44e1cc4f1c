import ArgumentParser
import ConfChatStandalone

/// The caps on a standalone node's inbox connections (docs/protocol.md 7), shared by
/// `confchat registry` and `confchat peer`: anyone who can reach the endpoint can open
/// connections there, so each has a bound. Unset, each node keeps its own default
/// (`InboxLimits.registry`, `InboxLimits.peer`).
struct InboxLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-connections"), help: ArgumentHelp("Connections the inbox holds at once; one more is closed as it is accepted (docs/protocol.md 7; default \(InboxLimits.registry.connections) for the registry, \(InboxLimits.peer.connections) for a peer).", valueName: "n"))
    var maxConnections: Int?

    @Option(name: .customLong("max-connections-per-address"), help: ArgumentHelp("Connections held at once from one IP address (users behind one NAT share one; default \(InboxLimits.registry.connectionsPerAddress) for the registry, \(InboxLimits.peer.connectionsPerAddress) for a peer).", valueName: "n"))
    var maxConnectionsPerAddress: Int?

    func check() throws {
        if let n = maxConnections, n < 1 { throw ValidationError("--max-connections must be at least 1 (got \(n))") }
        if let n = maxConnectionsPerAddress, n < 1 { throw ValidationError("--max-connections-per-address must be at least 1 (got \(n))") }
    }

    /// `base` with the caps given on the command line.
    func applied(to base: InboxLimits) -> InboxLimits {
        var limits = base
        if let maxConnections { limits.connections = maxConnections }
        if let maxConnectionsPerAddress { limits.connectionsPerAddress = maxConnectionsPerAddress }
        return limits
    }
}
