import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import ConfChatStorage
import Foundation

/// A scenario's world made of real processes (`confchat run --processes`): the registry and
/// every peer are standalone `confchat` processes (tcp, CURVE, the real clock `timeScale`
/// times faster), each with its own data directory under `folder`, driven through their
/// control channels. The scenario runner drives it exactly as it drives the simulator.
///
/// Every connection between two nodes goes through the runner's `NetworkProxy`, which
/// carries out the `network` statements (`ProxiedNodes` says who lives where). With
/// `--processes` the proxy also makes `partition` and `heal`; with `--hosts N` the processes
/// run in namespaced hosts, the proxy's sockets there too, and `partition` and `heal` cut
/// and heal hosts in the kernel (`ProcessHosts`): `placement` says which.
public final class ProcessWorld: ScenarioWorld {
    public struct Options: Sendable {
        /// The `confchat` executable to launch.
        public var binary: String
        /// The run's folder: `registry/`, `peers/NAME/` and `logs/` go there.
        public var folder: String
        public var timeScale: Int64
        public var presenceTimeout: Int64
        /// Where the nodes run; with `--hosts N`, the world tears the hosts down when it shuts down.
        public var placement: NodePlacement
        /// The scenario's seed: the proxy draws each message's fate from it.
        public var seed: UInt64

        public init(binary: String, folder: String, timeScale: Int64, presenceTimeout: Int64,
                    placement: NodePlacement = .loopback, seed: UInt64 = 1) {
            self.binary = binary
            self.folder = folder
            self.timeScale = timeScale
            self.presenceTimeout = presenceTimeout
            self.placement = placement
            self.seed = seed
        }
    }

    /// Real milliseconds a command over the control channel may take: a command waits for
    /// the registry for at most its own (scaled) time-out, so this is generous.
    static let requestTimeoutMs = 30_000
    /// Real milliseconds without a change in any peer's view after which an action counts
    /// as settled: the processes have handled what it set off.
    static let quietMs = 100
    /// Real milliseconds a settle waits at most, from its start, for what running peers sent
    /// each other directly to be confirmed (`PeerView.awaitingAck`): a message still on its
    /// way (a slow link, a loaded machine) changes no view yet.
    static let ackWaitMs = 1_000

    private let options: Options
    /// When the run started, on the monotonic clock (seconds).
    private let start = ProcessInfo.processInfo.systemUptime
    private var registry: NodeProcess?
    /// The runner's proxy between the nodes, and where each node lives.
    private let network: ProxiedNodes
    private var peers: [String: NodeProcess] = [:]
    private var declared: [String] = []
    /// Whether an action set something off since the last `settle` (a crash or a `wait`
    /// does not: settling after them would only let scenario time pass).
    private var unsettled = false
    /// The scenario's partition now: a peer waits for no confirmation across it.
    private var cut = Partition()

    public init(options: Options) throws {
        self.options = options
        network = try ProxiedNodes(placement: options.placement, seed: options.seed, timeScale: options.timeScale)
        for sub in ["registry", "peers", "logs"] {
            try FileManager.default.createDirectory(atPath: path(sub), withIntermediateDirectories: true)
        }
        // What the proxy refused or closed, and why.
        _ = FileManager.default.createFile(atPath: path("logs", "proxy.log"), contents: nil)  // else no log
        if let handle = FileHandle(forWritingAtPath: path("logs", "proxy.log")) {
            network.proxy.log = { handle.write(Data(($0 + "\n").utf8)) }
        }
        try startRegistry()
    }

    deinit { shutDown() }

    /// The statements a process world cannot carry out, as `FILE:LINE:COL` errors.
    public static func unsupported(_ scenario: Scenario) -> [String] {
        scenario.statements.compactMap { s in
            guard case .action(.crashMidInput, _) = s.kind else { return nil }
            return "\(s.location): '\(ScenarioText.excerpt(s.source))' needs the simulator: "
                + "only its node driver stops a node part way through an input"
        }
    }

    public var now: SimInstant {
        SimInstant(milliseconds: Int64((ProcessInfo.processInfo.systemUptime - start) * 1000) * options.timeScale)
    }

    public func declare(_ names: [String]) throws {
        for name in names where peers[name] == nil && !declared.contains(name) {
            declared.append(name)
            try startPeer(name)
        }
    }

    public func perform(_ action: Action) throws -> CommandFailure? {
        switch action {
        case let .peer(name, .command(command)):
            guard let p = peers[name] else { return try refusal(unknownOrCrashed: name) }
            // The prompt's own line for the verb (docs/protocol.md 11), printed from the verb table.
            let reply = try p.request(ScenarioPrinter.line(.command(command)), timeoutMs: Self.requestTimeoutMs)
            unsettled = true
            try settle()
            switch reply.status {
            case .ok: return nil
            case .refused: return CommandFailure(reply.text.replacingOccurrences(of: "error: ", with: ""))
            case .error, .denied: throw ProcessWorldError("\(name)'s control channel: \(reply.text)")
            }
        case let .peer(name, .crash):
            guard let p = peers.removeValue(forKey: name) else { return try refusal(unknownOrCrashed: name) }
            network.crash(name, p)
            return nil
        case let .peer(name, .restart):
            guard declared.contains(name) else { return try refusal(unknownOrCrashed: name) }
            if peers[name] != nil { return CommandFailure("\(name) is running; crash it first") }
            try startPeer(name)
        case let .peer(name, .wipe):
            guard declared.contains(name) else { return try refusal(unknownOrCrashed: name) }
            let running = peers[name]
            if running != nil, try view(name).loggedIn { return CommandFailure("\(name) is logged in; log out or crash first") }
            if let running { network.crash(name, running) }
            peers[name] = nil
            try? FileManager.default.removeItem(atPath: peerDirectory(name))
            if running != nil { try startPeer(name) }
        case let .wait(d):
            sleep(milliseconds: d.milliseconds)
            return nil
        case .registryCrash:
            guard let r = registry else { return CommandFailure("the registry is already down") }
            network.crash(PeerName.registry, r)
            registry = nil
            return nil
        case .registryRestart:
            if registry != nil { return CommandFailure("the registry is running") }
            try startRegistry()
        case let .partition(groups):
            try network.partition(groups)
            cut = Partition(groups)
            return nil
        case .heal:
            try network.heal()
            cut = Partition()
            return nil
        case let .network(setting):
            network.proxy.apply(setting)
            return nil
        case .crashMidInput:
            throw ProcessWorldError("a crash part way through an input needs the simulator: only its node driver stops a node there")
        }
        unsettled = true
        try settle()
        return nil
    }

    private func refusal(unknownOrCrashed name: String) throws -> CommandFailure {
        guard declared.contains(name) else { throw ProcessWorldError("no peer named \(name) (declare it with `peers`)") }
        return CommandFailure("\(name) is crashed")
    }

    public func view(_ name: String) throws -> PeerView {
        guard declared.contains(name) else { throw ProcessWorldError("no peer named \(name) (declare it with `peers`)") }
        guard let p = peers[name] else {
            // Crashed: what its data directory holds, every friend offline.
            let dir = peerDirectory(name)
            guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("peer.sqlite")) else {
                return PeerView(PeerDurableState(), loggedIn: false, sees: { _ in false })
            }
            return PeerView(try SQLitePeerStore(directory: dir).load(), loggedIn: false, sees: { _ in false })
        }
        let reply = try p.request("view", timeoutMs: Self.requestTimeoutMs)
        guard reply.status == .ok else { throw ProcessWorldError("\(name)'s control channel: \(reply.text)") }
        return try JSONDecoder().decode(PeerView.self, from: Data(reply.text.utf8))
    }

    /// After an action that set something off: waits until no running peer's view has
    /// changed for `quietMs` real milliseconds (at most a scaled 5 s), so what the action set
    /// off has run its course, as far as the peers show; and, for at most `ackWaitMs`, until
    /// what running peers sent each other directly is confirmed. The simulator delivers what
    /// is in flight before the next statement; without the second wait a message that had
    /// not yet left changed no view, and a `crash` (SIGKILL) next lost it.
    public func settle() throws {
        guard unsettled else { return }
        unsettled = false
        let begin = Date()
        let cap = begin.addingTimeInterval(5.0 / Double(options.timeScale) + 1)
        var last = try views()
        var quietSince = Date()
        while Date() < cap {
            usleep(20_000)
            let current = try views()
            if current != last {
                last = current
                quietSince = Date()
            } else if Date().timeIntervalSince(quietSince) * 1000 >= Double(Self.quietMs),
                      !inFlight(current) || Date().timeIntervalSince(begin) * 1000 >= Double(Self.ackWaitMs) {
                return
            }
        }
    }

    /// Whether a running peer waits for a confirmation from another running, logged-in peer
    /// it is not cut from: a message between them is still on its way.
    private func inFlight(_ views: [String: PeerView]) -> Bool {
        views.contains { name, view in
            view.awaitingAck.contains { views[$0]?.loggedIn == true && !cut.blocked(name, $0) }
        }
    }

    private func views() throws -> [String: PeerView] {
        var all: [String: PeerView] = [:]
        for name in peers.keys { all[name] = try view(name) }
        return all
    }

    public func awaitNextCheck(deadline: SimInstant) throws {
        sleep(milliseconds: min(ScenarioRunner.pollStep, max(0, deadline - now)))
    }

    /// The processes' traces are their logs (`logs/` in the run's folder).
    public func emit(_ kind: @autoclosure () -> TraceEvent.Kind) {}

    public func shutDown() {
        for p in peers.values { p.stop() }
        peers = [:]
        registry?.stop()
        registry = nil
        // The proxy first: its sockets in the hosts keep their namespaces alive.
        network.proxy.stop()
        options.placement.hosts?.tearDown()
    }

    // MARK: - Launching

    private func path(_ parts: String...) -> String {
        parts.reduce(options.folder) { ($0 as NSString).appendingPathComponent($1) }
    }

    private func peerDirectory(_ name: String) -> String { path("peers", name) }

    private var common: [String] {
        ["--control", "--fast-hash", "--time-scale", String(options.timeScale)]
            + (options.placement.hosts == nil ? [] : ["--control-ipc"])
    }

    /// Launches a node: here, or in its host with `--hosts`.
    private func launch(_ node: String, name: String, arguments: [String], dataDirectory: String) throws -> NodeProcess {
        let (binary, arguments) = options.placement.hosts?.launch(node, binary: options.binary, arguments: arguments)
            ?? (options.binary, arguments)
        return try NodeProcess(name: name, binary: binary, arguments: arguments, dataDirectory: dataDirectory,
                               log: path("logs", "\(node).log"))
    }

    private func startRegistry() throws {
        let address = try network.address(PeerName.registry)
        let r = try launch(
            PeerName.registry, name: "the registry",
            arguments: ["registry", "--bind", "tcp://\(address):*", "--connect-from", address,
                        "--data", path("registry")] + common,
            dataDirectory: path("registry"))
        try network.started(PeerName.registry, boundAt: try Self.boundEndpoint(of: r))
        _ = try network.listener(PeerName.registry, fresh: false)
        registry = r
    }

    private func startPeer(_ name: String) throws {
        let address = try network.address(name)
        let p = try launch(
            name, name: name,
            arguments: ["peer", name, "--registry", try network.listener(PeerName.registry, fresh: false),
                        "--registry-key-file", path("registry", "registry.pub"),
                        "--bind", "tcp://\(address):*", "--advertise", try network.listener(name, fresh: true),
                        "--connect-from", address,
                        "--data", peerDirectory(name), "--presence-timeout", String(options.presenceTimeout)] + common,
            dataDirectory: peerDirectory(name))
        try network.started(name, boundAt: try Self.boundEndpoint(of: p))
        peers[name] = p
    }

    /// The endpoint a node bound, from its answer to `ping` (`NAME ENDPOINT`).
    private static func boundEndpoint(of node: NodeProcess) throws -> String {
        let reply = try node.request("ping", timeoutMs: requestTimeoutMs)
        guard reply.status == .ok, let endpoint = reply.text.split(separator: " ").last, endpoint.hasPrefix("tcp://") else {
            throw ProcessWorldError("\(node.name)'s control channel answered ping with: \(reply.text)")
        }
        return String(endpoint)
    }

    /// Sleeps for `scenarioMs` of scenario time, to the end: a signal (a child's SIGCHLD, the
    /// SIGTERM `--hosts` handles by tearing down) cuts `usleep` short, which must not make a
    /// `wait` shorter than written.
    private func sleep(milliseconds scenarioMs: Int64) {
        let end = ProcessInfo.processInfo.systemUptime + Double(scenarioMs) / 1000 / Double(options.timeScale)
        while case let left = end - ProcessInfo.processInfo.systemUptime, left > 0 {
            usleep(useconds_t(min(left * 1_000_000, 1_000_000_000)))
        }
    }
}
