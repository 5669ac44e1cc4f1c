import ConfChatHosts
import Foundation

/// Where the processes of `confchat run --hosts N` run: a `HostNetwork` of N namespaced hosts
/// and the scenario's `HostPlan`. The process world asks it how to launch a node (in its
/// host, its control channel an ipc socket the runner reaches from outside the namespace),
/// for each node's address on its host and the sockets of the runner's proxy there
/// (`ProxiedNodes`), and hands it `partition` and `heal`, which become blackhole routes
/// between hosts.
public final class ProcessHosts: Sendable {
    public let plan: HostPlan
    let network: HostNetwork

    /// Makes the hosts (or throws at once, changing nothing, without the privileges).
    public init(plan: HostPlan) throws {
        self.plan = plan
        network = try HostNetwork(hosts: plan.hostCount)
    }

    deinit { tearDown() }

    /// A new address on the node's host, for the node to bind on and connect from: the
    /// runner's proxy tells the nodes of one host apart by it.
    func newAddress(for node: String) throws -> String {
        try network.addAddress(toHost: host(node))
    }

    /// A socket of the node's host, for the runner's proxy (its listener for the node, its
    /// connections to the node).
    func socket(for node: String) throws -> Int32 {
        try network.socket(inHost: host(node))
    }

    /// `ip netns exec HOST binary ARGUMENTS`, as executable and arguments.
    func launch(_ node: String, binary: String, arguments: [String]) -> (executable: String, arguments: [String]) {
        let argv = network.command(inHost: host(node), executable: binary, arguments: arguments)
        return (argv[0], Array(argv.dropFirst()))
    }

    /// Replaces the partition in force (as the simulator does) by this one: the hosts of each
    /// group cut from the hosts of every other group.
    func partition(_ groups: [[String]]) throws {
        try network.healAll()
        for (a, b) in plan.cuts(for: groups) { try network.cut(a, b) }
    }

    func heal() throws { try network.healAll() }

    /// Kills a node as its host's crash would: SIGKILL, then its connections' sockets, which
    /// its host's kernel would otherwise keep retransmitting (`HostNetwork+Crash`).
    func crash(_ node: String, _ process: NodeProcess) {
        let connections = HostNetwork.connections(ofProcess: process.pid)
        process.stop()
        network.destroy(connections, inHost: host(node))
    }

    /// Removes the namespaces (and whatever still runs in them).
    public func tearDown() { network.tearDown() }

    /// `host 1 (10.77.0.1): registry; host 2 (10.77.0.2): alice ...`, and why there are more
    /// hosts than asked for, if there are: printed with the scenario's result.
    public var description: String {
        let hosts = (1...plan.hostCount).map { h in
            let here = plan.nodes(onHost: h)
            return "host \(h) (\(network.address(ofHost: h))): " + (here.isEmpty ? "-" : here.joined(separator: " "))
        }.joined(separator: "; ")
        return hosts + (plan.widened.map { " (\($0))" } ?? "")
    }

    private func host(_ node: String) -> Int {
        guard let h = plan.host(of: node) else { preconditionFailure("\(node) is not in the host plan") }
        return h
    }
}
