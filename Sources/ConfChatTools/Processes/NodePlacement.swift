/// Where the nodes of a process world run, which decides who makes a `partition`: the
/// runner's proxy, or the kernel. Either way every connection between two nodes goes
/// through the runner's proxy, which applies the `network` conditions (`ProxiedNodes`).
public enum NodePlacement: Sendable {
    /// `run --processes`: every node on this machine, an address of its own on loopback;
    /// the proxy cuts partitions.
    case loopback
    /// `run --hosts N`: each node in its host of `ProcessHosts`, an address of its own
    /// there; the kernel cuts partitions between hosts (blackhole routes).
    case hosts(ProcessHosts)

    /// The hosts, if the nodes run on hosts.
    var hosts: ProcessHosts? {
        guard case let .hosts(hosts) = self else { return nil }
        return hosts
    }
}
