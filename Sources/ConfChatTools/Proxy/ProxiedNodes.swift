/// Where each node of `run --processes` lives behind the runner's `NetworkProxy`: an
/// address of its own on loopback (Linux routes all of 127.0.0.0/8 to `lo`), which it binds
/// on and connects from, and the proxy's listener for it, which it advertises (peers) or is
/// given to everyone (`--registry`). Every connection between two nodes thus goes through
/// the proxy, which knows the pair by the connection's two ends.
final class ProxiedNodes {
    let proxy: NetworkProxy
    private var places: [String: (address: String, advertised: String)] = [:]

    init(proxy: NetworkProxy) { self.proxy = proxy }

    /// The node's address and advertised endpoint, the same for every incarnation of it.
    func place(_ node: String) throws -> (address: String, advertised: String) {
        if let known = places[node] { return known }
        let address = Self.address(places.count)
        try proxy.identify(source: address, as: node)
        let place = (address, try proxy.listen(for: node, host: address))
        places[node] = place
        return place
    }

    /// The node (re)started bound at `endpoint`: the proxy forwards its connections there.
    func started(_ node: String, boundAt endpoint: String) throws {
        try proxy.forward(node, to: endpoint)
    }

    /// The n-th node's address: 127.0.1.1, 127.0.1.2, ... (250 an octet, so never .0 or
    /// .255), away from 127.0.0.1 where other programs listen.
    static func address(_ n: Int) -> String { "127.0.\(1 + n / 250).\(1 + n % 250)" }
}
