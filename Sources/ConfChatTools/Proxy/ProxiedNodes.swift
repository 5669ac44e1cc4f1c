/// Where each node of `run --processes` lives behind the runner's `NetworkProxy`: an
/// address of its own on loopback (Linux routes all of 127.0.0.0/8 to `lo`), which it binds
/// on and connects from, and the proxy's listener for it, which it advertises (peers) or is
/// given to everyone (`--registry`). Every connection between two nodes thus goes through
/// the proxy, which knows the pair by the connection's two ends.
final class ProxiedNodes {
    let proxy: NetworkProxy
    private var addresses: [String: String] = [:]
    /// Each node's listener, and whether it is open (closed while the node is down).
    private var listeners: [String: (endpoint: String, open: Bool)] = [:]

    init(proxy: NetworkProxy) { self.proxy = proxy }

    /// The node's address, the same for every incarnation of it.
    func address(_ node: String) throws -> String {
        if let known = addresses[node] { return known }
        let address = Self.address(addresses.count)
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

    /// The node is down (crashed): connecting to it is refused, as to a port nobody binds,
    /// instead of accepted and closed, which ZeroMQ would report as a failed handshake.
    func stopped(_ node: String) {
        guard let known = listeners[node], known.open else { return }
        proxy.stopListening(for: node)
        listeners[node] = (known.endpoint, false)
    }

    /// The n-th node's address: 127.0.1.1, 127.0.1.2, ... (250 an octet, so never .0 or
    /// .255), away from 127.0.0.1 where other programs listen.
    static func address(_ n: Int) -> String { "127.0.\(1 + n / 250).\(1 + n % 250)" }
}
