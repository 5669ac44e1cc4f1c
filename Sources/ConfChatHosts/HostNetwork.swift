import Foundation
import Glibc

/// N hosts on one machine: N Linux network namespaces joined by a bridge, each host its own
/// address on a private /24, so that processes started in different hosts talk over a real
/// kernel network and a partition can be made in the kernel rather than by the processes.
///
/// Layout: a namespace of the run's own (the hub) holds the bridge `br0`; host I is a
/// namespace whose `eth0` is one end of a veth pair, the other end (`hI`) a port of the
/// bridge; host I has address 10.77.X.I (X picked so no address or route of the root
/// namespace uses 10.77.X.0/24). The root namespace gets nothing, so nothing of a run can
/// clash with the machine's own network. Hosts are numbered 1...N.
///
/// Cuts are blackhole routes inside the hosts (no netfilter, no netem): `cut(1, 2)` makes
/// host 1 drop what it sends to host 2 and host 2 drop what it sends to host 1; packets
/// already in flight are lost, as on a real partition, and TCP retransmits until `heal`.
///
/// Everything goes on every exit path: `tearDown()`, deinit, `exit` (an atexit hook), the
/// signals if `tearDownOnSignals()` was called, and a failed set-up. A run killed outright
/// (SIGKILL) leaves namespaces whose names carry its pid; the next network made on the
/// machine, or `removeStale()`, removes those whose owner is gone.
public final class HostNetwork: @unchecked Sendable {
    public let hostCount: Int
    /// The first three octets of the hosts' subnet, e.g. "10.77.0".
    public let subnet: String
    let names: HostNames
    let ip: IPCommand
    private let lock = NSLock()
    /// Held for the whole of `tearDown`, so that a second caller (the exit hook while a signal
    /// handler tears down) returns only once the namespaces are gone.
    private let tearingDown = NSLock()
    private var cuts: Set<Pair> = []
    private var down = false
    /// Addresses added to hosts after their own (`addAddress`), by host.
    private var added: [Int: [String]] = [:]
    private var nextAdded: Int
    /// The threads that opened sockets in hosts (`socket(inHost:)`), by host.
    private var threads: [Int: NamespaceThread] = [:]

    /// A cut between two hosts, either way round.
    private struct Pair: Hashable {
        let low: Int, high: Int
        init(_ a: Int, _ b: Int) { (low, high) = (min(a, b), max(a, b)) }
    }

    /// The most hosts a network has (their addresses are .1 to .253 of one /24).
    public static let maxHosts = 253

    /// Makes `hosts` hosts, after checking the privileges and removing stale runs' leftovers.
    /// Throws at once, having changed nothing, without root or CAP_NET_ADMIN + CAP_SYS_ADMIN or without `ip`.
    public init(hosts: Int, privileges: HostPrivileges = .system) throws {
        guard (1...Self.maxHosts).contains(hosts) else {
            throw HostNetworkError("--hosts \(hosts): between 1 and \(Self.maxHosts) hosts")
        }
        let ip = try privileges.check()
        self.ip = ip
        self.hostCount = hosts
        nextAdded = hosts + 1
        _ = try Self.removeStale(ip: ip)
        let existing = Set(try ip.namespaces().compactMap(HostNames.parse))
        var names = HostNames(owner: getpid(), serial: LiveNetworks.shared.nextSerial())
        while existing.contains(names) { names = HostNames(owner: getpid(), serial: LiveNetworks.shared.nextSerial()) }
        self.names = names
        self.subnet = try Self.freeSubnet(ip: ip)
        LiveNetworks.shared.add(self)
        do { try build() } catch {
            tearDown()
            throw error
        }
    }

    deinit { tearDown() }

    /// This run's id: the prefix of every namespace it made.
    public var runID: String { names.run }

    /// Host I's address, e.g. "10.77.0.2" for host 2.
    public func address(ofHost index: Int) -> String {
        precondition((1...hostCount).contains(index), "host \(index) of \(hostCount)")
        return "\(subnet).\(index)"
    }

    /// Host I's network namespace, for `ip netns exec` or `ip -n`.
    public func namespace(ofHost index: Int) -> String {
        precondition((1...hostCount).contains(index), "host \(index) of \(hostCount)")
        return names.host(index)
    }

    /// The argument vector that runs `executable ARGUMENTS` in host I. `ip netns exec` execs
    /// the command in place, so the process it starts is the command itself (its pid is the
    /// command's, a signal to it reaches the command).
    public func command(inHost index: Int, executable: String, arguments: [String]) -> [String] {
        [ip.path, "netns", "exec", namespace(ofHost: index), executable] + arguments
    }

    /// A Process, not yet run, that runs `executable ARGUMENTS` in host I; set its standard
    /// streams, then `run()` it. Whatever still runs in a host at teardown is killed.
    public func process(inHost index: Int, executable: String, arguments: [String]) -> Process {
        let argv = command(inHost: index, executable: executable, arguments: arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        return process
    }

    /// Gives host I one more address of the hosts' subnet (the next free one after the
    /// hosts' own, 10.77.X.N+1 upwards) and returns it. It is cut and healed with the host:
    /// e.g. one address a process, so that a connection's source names the process that made it.
    public func addAddress(toHost index: Int) throws -> String {
        try lock.withLock {
            guard nextAdded <= 254 else {
                throw HostNetworkError("no address left in \(subnet).0/24 for host \(index): \(hostCount) hosts and \(nextAdded - hostCount - 1) more addresses use it")
            }
            let address = "\(subnet).\(nextAdded)"
            try ip.run(["-n", namespace(ofHost: index), "addr", "add", address + "/32", "dev", HostNames.hostEnd])
            nextAdded += 1
            added[index, default: []].append(address)
            // Cut already from the hosts its host is cut from.
            for pair in cuts where pair.low == index || pair.high == index {
                let other = pair.low == index ? pair.high : pair.low
                try ip.run(["-n", namespace(ofHost: other), "route", "replace", "blackhole", address + "/32"])
            }
            return address
        }
    }

    /// Every address of host I: its own, then those added, in order.
    public func addresses(ofHost index: Int) -> [String] {
        lock.withLock { [address(ofHost: index)] + added[index, default: []] }
    }

    /// A new TCP socket (IPv4, non-blocking, close-on-exec) of host I's network: bound,
    /// connected or listening there, whichever thread uses it. Made by a thread of this
    /// process that entered the host's namespace (`NamespaceThread`), the first time it is asked.
    public func socket(inHost index: Int) throws -> Int32 {
        let thread = try lock.withLock {
            guard !down else { throw HostNetworkError("host \(index) is torn down") }
            if let known = threads[index] { return known }
            let made = try NamespaceThread(namespace: namespace(ofHost: index))
            threads[index] = made
            return made
        }
        guard let (fd, error) = thread.run({ () -> (Int32, Int32) in
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            return (fd, errno)
        }) else { throw HostNetworkError("host \(index) is torn down") }
        guard fd >= 0 else { throw HostNetworkError("no socket in host \(index): \(String(cString: strerror(error)))") }
        return fd
    }

    /// Cuts hosts I and J apart, both ways (every address of each from every address of the
    /// other); other hosts still reach both. Cutting twice is one cut.
    public func cut(_ a: Int, _ b: Int) throws {
        precondition(a != b, "a host cannot be cut from itself")
        try lock.withLock {
            guard !cuts.contains(Pair(a, b)) else { return }
            try routes("replace", a, b)
            cuts.insert(Pair(a, b))
        }
    }

    /// Undoes `cut(I, J)`; hosts that were not cut apart are left as they are.
    public func heal(_ a: Int, _ b: Int) throws {
        try lock.withLock {
            guard cuts.contains(Pair(a, b)) else { return }
            try routes("del", a, b)
            cuts.remove(Pair(a, b))
        }
    }

    /// `ip route VERB blackhole` in A for each address of B and in B for each of A (under the lock).
    private func routes(_ verb: String, _ a: Int, _ b: Int) throws {
        for (here, there) in [(a, b), (b, a)] {
            for target in [address(ofHost: there)] + added[there, default: []] {
                try ip.run(["-n", namespace(ofHost: here), "route", verb, "blackhole", target + "/32"])
            }
        }
    }

    /// Cuts host I from every other host.
    public func isolate(_ index: Int) throws {
        for other in 1...hostCount where other != index { try cut(index, other) }
    }

    /// Heals every cut, so each host reaches each other again.
    public func healAll() throws {
        for pair in lock.withLock({ cuts }) { try heal(pair.low, pair.high) }
    }

    /// The pairs of hosts cut apart now, each as (lower, higher), sorted.
    public var cutPairs: [(Int, Int)] {
        lock.withLock { cuts.sorted { ($0.low, $0.high) < ($1.low, $1.high) }.map { ($0.low, $0.high) } }
    }

    /// Kills what still runs in the hosts and deletes every namespace of this run (which
    /// deletes the veth pairs and the bridge with them). Safe to call more than once.
    public func tearDown() {
        tearingDown.lock()
        defer { tearingDown.unlock() }
        let (first, threads) = lock.withLock { defer { down = true; self.threads = [:] }; return (!down, self.threads) }
        guard first else { return }
        // Out of the namespaces before they go (a socket made there keeps its namespace alive, not the thread).
        threads.values.forEach { $0.stop() }
        LiveNetworks.shared.remove(self)
        Self.remove(run: names, ip: ip)
    }

    /// Calls `tearDown()` on every network of this process at SIGINT, SIGTERM or SIGHUP, then
    /// exits with 128 + the signal. For a command that has no handler of its own for them.
    public static func tearDownOnSignals() { LiveNetworks.shared.tearDownOnSignals() }

    private func build() throws {
        let hub = names.hub
        try ip.run(["netns", "add", hub])
        try ip.run(["-n", hub, "link", "set", "lo", "up"])
        try ip.run(["-n", hub, "link", "add", HostNames.bridge, "type", "bridge"])
        try ip.run(["-n", hub, "link", "set", HostNames.bridge, "up"])
        for index in 1...hostCount {
            let host = names.host(index), hubEnd = HostNames.hubEnd(index)
            try ip.run(["netns", "add", host])
            try ip.run(["-n", hub, "link", "add", hubEnd, "type", "veth", "peer", "name", HostNames.hostEnd, "netns", host])
            try ip.run(["-n", hub, "link", "set", hubEnd, "master", HostNames.bridge, "up"])
            try ip.run(["-n", host, "link", "set", "lo", "up"])
            try ip.run(["-n", host, "addr", "add", "\(subnet).\(index)/24", "dev", HostNames.hostEnd])
            try ip.run(["-n", host, "link", "set", HostNames.hostEnd, "up"])
        }
    }

    /// The first 10.77.X (X from 0) that no address or route of the root namespace mentions.
    private static func freeSubnet(ip: IPCommand) throws -> String {
        let used = try ip.run(["-4", "-o", "addr", "show"]) + ip.run(["-4", "route", "show", "table", "all"])
        for x in 0...255 where !used.contains("10.77.\(x).") && !used.contains("10.77.\(x)/") {
            return "10.77.\(x)"
        }
        throw HostNetworkError("no free 10.77.X.0/24 subnet: the machine's own addresses or routes use all of 10.77.0.0/16")
    }
}
