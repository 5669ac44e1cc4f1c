import ConfChatCore
import ConfChatHosts
import ConfChatStandalone
import Foundation

/// `confchat bench --hosts N --peers P`: real peers over N namespaced hosts, P of them in a
/// ring (`RingPeer`), each host's peers in one process (`confchat bench-peers`, one thread a
/// peer), the registry a `confchat registry` process on host 1. Every message crosses from
/// one host to another over the kernel's TCP with CURVE; the result is delivered messages a
/// second across hosts and the latency of each (send to delivery), every message checked to
/// arrive once and in order.
public final class HostBench {
    public struct Options: Sendable {
        public var binary: String
        public var hosts = 3
        public var peers = 1000
        /// Messages each peer sends to the next one in the ring.
        public var messagesPerPeer = 20
        /// Real milliseconds between two sends of one peer.
        public var intervalMs = 100
        public var folder: String
        public init(binary: String, folder: String) {
            self.binary = binary
            self.folder = folder
        }
    }

    public struct Result: Sendable {
        public var hosts: Int
        public var peers: Int
        /// Messages the peers were to send (peers x messages each).
        public var expected: Int
        public var sent: Int
        public var delivered: Int
        public var duplicates: Int
        public var outOfOrder: Int
        public var seconds: Double
        public var p50Ms: Double
        public var p99Ms: Double
        public var maxMs: Double
        public var setupSeconds: Double
        public var errors: [String]
        /// Copies, retries, presence lost, the registry asked again (`HostBenchCounters`).
        var counters = HostBenchCounters()

        public var deliveredPerSecond: Double { seconds > 0 ? Double(delivered) / seconds : 0 }
        /// Every message arrived, once, in order, and no peer failed.
        public var ok: Bool { errors.isEmpty && sent == expected && delivered == expected && duplicates == 0 && outOfOrder == 0 }

        public var table: String {
            """
            bench over \(hosts) hosts: \(peers) peers (a ring across hosts), \(sent) of \(expected) messages sent
              set-up (register, log in, befriend)  \(String(format: "%.1f", setupSeconds)) s
              delivered                            \(delivered) of \(sent) (duplicates \(duplicates), out of order \(outOfOrder))
              delivered/s across hosts             \(String(format: "%.0f", deliveredPerSecond)) (over \(String(format: "%.1f", seconds)) s)
              latency p50 / p99 / max              \(String(format: "%.1f / %.1f / %.1f", p50Ms, p99Ms, maxMs)) ms
              spent besides                        \(counters.line)
            """ + (errors.isEmpty ? "" : "\n  errors (\(errors.count)): " + errors.prefix(5).joined(separator: "; "))
        }

        public var json: String {
            let fields: [(String, String)] = [
                ("hosts", "\(hosts)"), ("peers", "\(peers)"), ("expected", "\(expected)"), ("sent", "\(sent)"), ("delivered", "\(delivered)"),
                ("duplicates", "\(duplicates)"), ("out_of_order", "\(outOfOrder)"),
                ("seconds", String(format: "%.3f", seconds)), ("delivered_per_second", String(format: "%.1f", deliveredPerSecond)),
                ("latency_p50_ms", String(format: "%.2f", p50Ms)), ("latency_p99_ms", String(format: "%.2f", p99Ms)),
                ("latency_max_ms", String(format: "%.2f", maxMs)), ("setup_seconds", String(format: "%.2f", setupSeconds)),
                ("errors", "\(errors.count)"), ("ok", ok ? "true" : "false"),
            ] + counters.fields
            return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
        }
    }

    private let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func run() throws -> Result {
        let o = options
        guard o.peers >= 2, o.hosts >= 2 else { throw ProcessWorldError("bench --hosts needs at least 2 hosts and 2 peers") }
        let network = try HostNetwork(hosts: o.hosts)
        defer { network.tearDown() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: o.folder, withIntermediateDirectories: true)
        let file = { (name: String) in (o.folder as NSString).appendingPathComponent(name) }
        let started = BenchClock.nanoseconds()

        let registryEndpoint = "tcp://\(network.address(ofHost: 1)):5555"
        let registry = network.process(inHost: 1, executable: o.binary, arguments: [
            "registry", "--bind", registryEndpoint, "--data", file("registry"), "--fast-hash",
            // A host's peers all connect from its one address.
            "--max-connections-per-address", String(max(o.peers, InboxLimits.registry.connectionsPerAddress))])
        let registryLog = try log(file("registry.log"))
        registry.standardOutput = registryLog
        registry.standardError = registryLog
        try registry.run()
        defer { if registry.isRunning { kill(registry.processIdentifier, SIGKILL) } }
        try waitFor(file("registry/registry.pub"), seconds: 30, what: "the registry's key")

        var groups: [Process] = []
        defer { for g in groups where g.isRunning { kill(g.processIdentifier, SIGKILL) } }
        for host in 1...o.hosts {
            let indices = (0..<o.peers).filter { Self.host(ofPeer: $0, peers: o.peers, hosts: o.hosts) == host }
            let group = network.process(inHost: host, executable: o.binary, arguments: [
                "bench-peers", "--host", "\(host)", "--indices", indices.map(String.init).joined(separator: ","),
                "--total", "\(o.peers)", "--messages", "\(o.messagesPerPeer)", "--interval-ms", "\(o.intervalMs)",
                "--registry", registryEndpoint, "--registry-key-file", file("registry/registry.pub"),
                "--bind-address", network.address(ofHost: host), "--folder", o.folder,
                // All groups together sign in no more peers at once than the registry checks
                // passwords at once, so none is told "busy" and asks again and again.
                "--sign-ins", "\(max(1, RegistryLimits.passwordChecks / o.hosts))"])
            let out = try log(file("host-\(host).log"))
            group.standardOutput = out
            group.standardError = out
            try group.run()
            groups.append(group)
        }
        for host in 1...o.hosts {
            try waitFor(file("ready-\(host)"), seconds: 600, what: "host \(host)'s peers to be set up", watching: groups)
        }
        let setupSeconds = BenchClock.seconds(since: started)
        try touch(file("go"))
        // Sending takes messages x interval; each peer gives up waiting a minute after that.
        let sending = Double(o.messagesPerPeer * o.intervalMs) / 1000
        let deadline = Date().addingTimeInterval(sending + 90)
        var outcomes: [RingPeer.Outcome] = []
        while Date() < deadline, !(1...o.hosts).allSatisfy({ fm.fileExists(atPath: file("done-\($0)")) }) {
            if groups.allSatisfy({ !$0.isRunning }) { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        try touch(file("stop"))
        for g in groups {
            let until = Date().addingTimeInterval(60)
            while g.isRunning, Date() < until { Thread.sleep(forTimeInterval: 0.2) }
        }
        for host in 1...o.hosts {
            guard let data = fm.contents(atPath: file("result-\(host).json")) else {
                throw ProcessWorldError("host \(host)'s peers left no result; see \(file("host-\(host).log"))")
            }
            outcomes += try JSONDecoder().decode([RingPeer.Outcome].self, from: data)
        }
        var result = Self.summarize(outcomes, hosts: o.hosts, peers: o.peers, sentExpected: o.peers * o.messagesPerPeer,
                                    setupSeconds: setupSeconds)
        let registryText = fm.contents(atPath: file("registry.log")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        result.counters = HostBenchCounters(outcomes: outcomes, registryLog: registryText)
        return result
    }

    /// Peer i goes on host (i mod N) + 1, so that a message between ring neighbours always
    /// crosses hosts. Where the ring closes, peer P-1 and peer 0 would share host 1 when P mod N
    /// is 1; with three hosts or more the last peer goes on host 2 instead, which neither of
    /// its neighbours (host N, host 1) is on. (Two hosts and an odd ring cannot avoid one
    /// pair on the same host.)
    static func host(ofPeer i: Int, peers: Int, hosts: Int) -> Int {
        if hosts >= 3, peers > 1, i == peers - 1, i % hosts == 0 { return 2 }
        return i % hosts + 1
    }

    static func summarize(_ outcomes: [RingPeer.Outcome], hosts: Int, peers: Int, sentExpected: Int, setupSeconds: Double) -> Result {
        let latencies = outcomes.flatMap(\.latenciesMicros).sorted()
        func pct(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1000
        }
        let first = outcomes.map(\.firstSendNs).min() ?? 0
        let last = outcomes.map(\.lastDeliveryNs).max() ?? 0
        return Result(
            hosts: hosts, peers: peers, expected: sentExpected, sent: outcomes.reduce(0) { $0 + $1.sent },
            delivered: outcomes.reduce(0) { $0 + $1.received }, duplicates: outcomes.reduce(0) { $0 + $1.duplicates },
            outOfOrder: outcomes.reduce(0) { $0 + $1.outOfOrder },
            seconds: last > first ? Double(last - first) / 1e9 : 0, p50Ms: pct(0.5), p99Ms: pct(0.99),
            maxMs: Double(latencies.last ?? 0) / 1000, setupSeconds: setupSeconds,
            errors: outcomes.compactMap(\.error) + (outcomes.count < peers ? ["\(peers - outcomes.count) peers reported nothing"] : []))
    }

    /// The peer processes wait for these files (`go`, `stop`): one that cannot be made would
    /// leave them waiting, so it is an error at once.
    private func touch(_ path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ProcessWorldError("cannot create \(path)") }
    }

    private func log(_ path: String) throws -> FileHandle {
        _ = FileManager.default.createFile(atPath: path, contents: nil)  // checked by the open below
        guard let h = FileHandle(forWritingAtPath: path) else { throw ProcessWorldError("cannot write \(path)") }
        return h
    }

    private func waitFor(_ path: String, seconds: Double, what: String, watching: [Process] = []) throws {
        let until = Date().addingTimeInterval(seconds)
        while !FileManager.default.fileExists(atPath: path) {
            if Date() > until { throw ProcessWorldError("waited \(Int(seconds)) s for \(what) (\(path))") }
            if let dead = watching.first(where: { !$0.isRunning }) {
                throw ProcessWorldError("a bench process ended before \(what) (status \(dead.terminationStatus))")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}
