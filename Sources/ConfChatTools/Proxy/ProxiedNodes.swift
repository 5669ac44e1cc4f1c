import ConfChatHosts

/// Where each node of a process world lives behind the runner's `NetworkProxy`: an address
/// of its own, which it binds on and connects from, and the proxy's listener for it, which
/// it advertises (peers) or is given to everyone (`--registry`). Every connection between
/// two nodes thus goes through the proxy, which knows the pair by the connection's two ends.
///
/// - `.loopback` (`--processes`): the addresses are 127.0.1.1, 127.0.1.2, ... (Linux routes
///   all of 127.0.0.0/8 to `lo`); the proxy's sockets are this machine's; `partition` is the
///   proxy's.
/// - `.hosts` (`--hosts N`): a node's address is one more address of its host
///   (`HostNetwork.addAddress`), and the proxy's listener for it and its connection to it
///   are sockets of that host (`HostNetwork.socket(inHost:)`). So a connection from a node
///   on one host to a node on another is real TCP between the two hosts, which a `partition`
///   cuts in the kernel (blackhole routes, `ProcessHosts`), while the proxy, at the
///   receiving host, applies the network's conditions.
final class ProxiedNodes {
    let proxy: NetworkProxy
    let placement: NodePlacement
    private var addresses: [String: String] = [:]
    /// Each node's listener, and whether it is open (closed while the node is down).
    private var listeners: [String: (endpoint: String, open: Bool)] = [:]

    init(placement: NodePlacement, seed: UInt64, timeScale: Int64) throws {
        self.placement = placement
        switch placement {
        case .loopback:
            proxy = try NetworkProxy(seed: seed, timeScale: timeScale)
        case let .hosts(hosts):
            proxy = try NetworkProxy(seed: seed, timeScale: timeScale) { try hosts.socket(for: $0) }
        }
    }

    /// The node's address, the same for every incarnation of it.
    func address(_ node: String) throws -> String {
        if let known = addresses[node] { return known }
        let address: String
        switch placement {
        case .loopback: address = Self.loopbackAddress(addresses.count)
        case let .hosts(hosts): address = try hosts.newAddress(for: node)
        }
        try proxy.identify(source: address, as: node)
        addresses[node] = address
        return address
    }

    /// The endpoint the node is reached at, open. `fresh`: a new one, as a standalone peer
    /// that restarts binds a new port (`--bind tcp://HOST:*`); else the one it had, opened
    /// again at the same port if need be (the registry: every peer was given it).
    func listener(_ node: String, fresh: Bool) throws -> String {
        if let known = listeners[node], !fresh {
            guard !known.open else { return known.endpoint }
            let port = known.endpoint.split(separator: ":").last.flatMap { UInt16($0) } ?? 0
            let endpoint = try proxy.listen(for: node, host: try address(node), port: port)
            listeners[node] = (endpoint, true)
            return endpoint
        }
        if listeners[node]?.open == true { proxy.stopListening(for: node) }
        let endpoint = try proxy.listen(for: node, host: try address(node))
        listeners[node] = (endpoint, true)
        return endpoint
    }

    /// The node (re)started bound at `endpoint`: the proxy forwards its connections there.
    func started(_ node: String, boundAt endpoint: String) throws {
        try proxy.forward(node, to: endpoint)
    }

    /// Kills a node (a `crash`; on hosts with what its host's kernel held for it). Then
    /// connecting to it is refused, as to a port nobody binds, instead of accepted and
    /// closed, which ZeroMQ would report as a failed handshake.
    func crash(_ node: String, _ process: NodeProcess) {
        switch placement {
        case .loopback: process.stop()
        case let .hosts(hosts): hosts.crash(node, process)
        }
        guard let known = listeners[node], known.open else { return }
        proxy.stopListening(for: node)
        listeners[node] = (known.endpoint, false)
    }

    /// Replaces the partition in force by this one: in the proxy, or on hosts in the kernel.
    func partition(_ groups: [[String]]) throws {
        switch placement {
        case .loopback: proxy.partition(groups)
        case let .hosts(hosts): try hosts.partition(groups)
        }
    }

    func heal() throws {
        switch placement {
        case .loopback: proxy.heal()
        case let .hosts(hosts): try hosts.heal()
        }
    }

    /// The n-th node's loopback address: 127.0.1.1, 127.0.1.2, ... (250 an octet, so never
    /// .0 or .255), away from 127.0.0.1 where other programs listen.
    static func loopbackAddress(_ n: Int) -> String { "127.0.\(1 + n / 250).\(1 + n % 250)" }
}
