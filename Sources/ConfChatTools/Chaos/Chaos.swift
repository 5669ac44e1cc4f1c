import ConfChatCore
import ConfChatScenario

/// A kind of fault a chaos run may inject.
public enum ChaosFault: String, Sendable, CaseIterable, Hashable {
    /// Peers crash and restart.
    case crash
    /// Peers lose their data directory (while crashed or logged out).
    case wipe
    /// The network splits in two until healed.
    case partition
    /// The registry crashes and restarts.
    case registry
    /// Peers log out and in again.
    case logout
    /// A peer or the registry crashes part way through handling an input: a fault point
    /// (`alice crash mid-input after step 2`), after its commit and some of its sends.
    case midInput = "mid-input"
}

/// How a chaos campaign runs (`confchat chaos`).
public struct ChaosOptions: Sendable {
    /// Virtual peers a run (at most 26 get names like `alice`, more are `p27`...).
    public var peers: Int
    /// Random steps a run, after the set-up.
    public var steps: Int
    public var transport: TransportKind
    /// False breaks exactly-once delivery on purpose (`--break-dedupe`), to show the checks work.
    public var dedupe: Bool
    /// Longest the final phase waits for the network to converge, in simulated milliseconds.
    public var convergenceLimit: Int64
    /// The faults the random steps draw from (sends and waits are always drawn).
    public var faults: Set<ChaosFault>
    /// Random steps also change the network's conditions (`--network`): latency ranges,
    /// loss and duplication phases, for the whole network and for single links.
    public var network = false
    /// False breaks in-order delivery on purpose (`--break-hold-back`): only a network that
    /// reorders messages shows it.
    public var holdBack = true
    /// False makes every node acknowledge before it writes, on purpose (`--break-write-first`):
    /// only a crash part way through an input (a fault point) shows it.
    public var writesFirst = true

    public init(peers: Int = 4, steps: Int = 60, transport: TransportKind = .inproc, dedupe: Bool = true,
                convergenceLimit: Int64 = 60_000, faults: Set<ChaosFault> = Set(ChaosFault.allCases)) {
        self.faults = faults
        self.peers = peers
        self.steps = steps
        self.transport = transport
        self.dedupe = dedupe
        self.convergenceLimit = convergenceLimit
    }
}

/// What one seed did and found.
public struct ChaosReport: Sendable {
    public var seed: UInt64
    /// Every statement run, set-up and final phase included.
    public var statements: [ChaosStatement]
    /// Why each statement was refused, nil where it succeeded.
    public var refusals: [CommandFailure?]
    /// How many of `statements` came before the final phase (set-up and random steps).
    public var prefixCount: Int
    /// Random steps run (the `--steps` part).
    public var randomSteps: Int
    /// Accepted sends, each of which the checks followed.
    public var messagesChecked: Int
    /// Accepted messages a wipe legitimately destroyed, with why.
    public var excused: [String: String]
    public var violations: [ChaosViolation]
    public var simulatedTime: SimInstant

    public var passed: Bool { violations.isEmpty }

    /// The run as a scenario file: every statement (refused ones as `! ...`), then one
    /// `expect` line per violation.
    public func scenario(options: ChaosOptions, header: [String] = []) -> String {
        Chaos.render(seed: seed, options: options, statements: statements, refusals: refusals,
                     expectations: violations.compactMap(\.expectation), header: header).text
    }
}

/// Seeded randomized fault runs in the spirit of Jepsen and FoundationDB's simulation:
/// random sends mixed with crashes, restarts, wipes, partitions and registry outages, then
/// a final phase that brings everything back, then checks of guarantees 1, 2, 3 and 5.
public enum Chaos {
    static let firstNames = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
        "niaj", "olivia", "peggy", "quentin", "rupert", "sybil", "trent", "ursula", "victor", "walter",
        "xena", "yves", "zoe", "amy", "ben",
    ]

    public static func peerNames(_ count: Int) -> [String] {
        (0..<max(1, count)).map { $0 < firstNames.count ? firstNames[$0] : "p\($0 + 1)" }
    }

    static func password(_ name: String) -> String { "pw-" + name }

    /// The group every run sets up.
    static let group = "team"

    /// Runs one seed: set-up, `options.steps` random steps, final phase, checks.
    public static func run(seed: UInt64, options: ChaosOptions, log: ((String) -> Void)? = nil) throws -> ChaosReport {
        let world = try ChaosWorld(seed: seed, options: options)
        defer { world.shutDown() }
        // The choices have their own stream, apart from the simulator's (password salts).
        var gen = Generator(seed: seed, rng: SplitMix64(seed: seed ^ 0xC4A0_5C4A_05C4_A05C))
        func step(_ s: ChaosStatement) {
            let refusal = world.run(s)
            log?("  " + (refusal.map { "! \(s)    # \($0)" } ?? "\(s)"))
        }

        // Set-up: everyone registered, logged in, and befriended in a connected random graph.
        let names = peerNames(options.peers)
        step(.peers(names))
        for n in names { step(.action(.peer(n, .command(.register(password: password(n)))))) }
        for n in names { step(.action(.peer(n, .command(.login(password: password(n)))))) }
        let graph = gen.friendGraph(names)
        for (a, b) in graph {
            step(.action(.peer(a, .command(.addFriend(b)))))
            step(.action(.peer(b, .command(.accept(a)))))
        }
        // A group: the first peer and its friends, so group messages travel with the rest
        // (directly, through the mailbox, across partitions and crashes).
        let owner = names[0]
        step(.action(.peer(owner, .command(.group(.create(Chaos.group))))))
        for (a, b) in graph where a == owner || b == owner {
            let member = a == owner ? b : a
            step(.action(.peer(owner, .command(.group(.invite(group: Chaos.group, member: member))))))
            step(.action(.peer(member, .command(.group(.join(Chaos.group))))))
        }

        // Random steps.
        var random = 0
        while random < options.steps, world.failure == nil {
            step(gen.next(world, faults: options.faults, network: options.network))
            random += 1
        }

        let prefix = world.statements.count
        finish(world, options: options, log: log)
        let violations = try world.check()
        return ChaosReport(seed: seed, statements: world.statements, refusals: world.refusals, prefixCount: prefix,
                           randomSteps: random, messagesChecked: world.accepted.count, excused: world.excused,
                           violations: violations, simulatedTime: world.sim.now)
    }

    /// The final phase, the same after every run and every shrink candidate: heal, restart
    /// the registry and every crashed peer, log in everyone who has an account, then let
    /// time pass until the network has converged or `convergenceLimit` is spent.
    static func finish(_ world: ChaosWorld, options: ChaosOptions, log: ((String) -> Void)? = nil) {
        func step(_ s: ChaosStatement) {
            let refusal = world.run(s)
            log?("  " + (refusal.map { "! \(s)    # \($0)" } ?? "\(s)"))
        }
        let names = world.names
        // A fault point still armed would fire while the network converges and leave its
        // node down; crashing the node calls it off, and the node comes back below.
        for n in names + [PeerName.registry] where world.isArmed(n) {
            step(.action(n == PeerName.registry ? .registryCrash : .peer(n, .crash)))
        }
        if world.isPartitioned { step(.action(.heal)) }
        if !world.networkIsPerfect { step(.action(.network(NetworkSetting(property: .reset)))) }
        if !world.registryIsUp { step(.action(.registryRestart)) }
        for n in names where !world.isUp(n) { step(.action(.peer(n, .restart))) }
        let accounts = (try? world.sim.registryStore.load().accounts) ?? [:]
        for n in names where !world.isLoggedIn(n) && accounts[n] != nil {
            step(.action(.peer(n, .command(.login(password: world.passwords[n] ?? password(n))))))
        }
        let before = world.statements.count
        world.waitUntilConverged(limit: options.convergenceLimit)
        if world.statements.count > before { log?("  \(world.statements.last!)") }
    }

    /// Replays a prefix of statements as written, then the final phase.
    static func replay(seed: UInt64, options: ChaosOptions, prefix: [ChaosStatement]) throws -> ChaosWorld {
        let world = try ChaosWorld(seed: seed, options: options)
        for s in prefix { world.run(s) }
        finish(world, options: options)
        return world
    }

    /// Runs given statements instead of random ones (set-up included), then the final phase
    /// and the checks: a hand-written schedule judged exactly as a random one is.
    public static func run(seed: UInt64, options: ChaosOptions, statements: [ChaosStatement]) throws -> ChaosReport {
        let world = try replay(seed: seed, options: options, prefix: statements)
        defer { world.shutDown() }
        return ChaosReport(seed: seed, statements: world.statements, refusals: world.refusals, prefixCount: statements.count,
                           randomSteps: 0, messagesChecked: world.accepted.count, excused: world.excused,
                           violations: try world.check(), simulatedTime: world.sim.now)
    }

    /// Renders a scenario file; also returns the 1-based line of each expectation.
    static func render(seed: UInt64, options: ChaosOptions, statements: [ChaosStatement], refusals: [CommandFailure?],
                       expectations: [Expectation], header: [String]) -> (text: String, expectLines: [Int]) {
        var lines = header.map { $0.isEmpty ? "#" : "# " + $0 }
        lines.append(ScenarioPrinter.line(.seed(seed)))
        if options.transport != .inproc { lines.append(ScenarioPrinter.line(.transport(options.transport))) }
        for (s, refusal) in zip(statements, refusals) {
            switch s {
            case let .peers(names): lines.append(ScenarioPrinter.line(.peers(names)))
            case let .action(action): lines.append(ScenarioPrinter.line(.action(action, expectRefusal: refusal != nil && !s.isWait)))
            }
        }
        lines.append("")
        var expectLines: [Int] = []
        for e in expectations {
            lines.append(ScenarioPrinter.line(.expect(e, within: nil)))
            expectLines.append(lines.count)
        }
        return (lines.joined(separator: "\n") + "\n", expectLines)
    }

    /// The random part: a seeded choice among the actions that make sense in the current state.
    struct Generator {
        let seed: UInt64
        var rng: SplitMix64
        var messages = 0

        init(seed: UInt64, rng: SplitMix64) {
            self.seed = seed
            self.rng = rng
        }

        mutating func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(rng.next() % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }

        /// A random spanning tree (so everyone is reachable) plus a few extra edges, each peer
        /// ending with one to three friends where the tree allows.
        mutating func friendGraph(_ names: [String]) -> [(String, String)] {
            var edges: [(String, String)] = []
            var degree: [String: Int] = [:]
            var linked = Set<String>()
            func add(_ a: String, _ b: String) {
                edges.append((a, b))
                degree[a, default: 0] += 1
                degree[b, default: 0] += 1
                linked.insert([a, b].sorted().joined(separator: " "))
            }
            for i in names.indices.dropFirst() {
                let candidates = names[..<i].filter { degree[$0, default: 0] < 3 }
                let other = candidates.isEmpty ? names[int(i)] : pick(candidates)
                if int(2) == 0 { add(names[i], other) } else { add(other, names[i]) }
            }
            for a in names where names.count > 2 {
                let want = 1 + int(3)
                var tries = 0
                while degree[a, default: 0] < want, tries < 4 {
                    tries += 1
                    let b = pick(names)
                    guard b != a, degree[b, default: 0] < 3, !linked.contains([a, b].sorted().joined(separator: " ")) else { continue }
                    add(a, b)
                }
            }
            return edges
        }

        enum Kind: CaseIterable {
            case send, sendGroup, wait, login, logout, crash, restart, wipe, partition, heal, registryCrash, registryRestart
            case network, midInput

            var weight: Int {
                switch self {
                case .send: 30
                case .sendGroup: 10
                case .wait: 12
                case .login: 10
                case .logout: 5
                case .crash: 5
                case .restart: 10
                case .wipe: 3
                case .partition: 4
                case .heal: 5
                case .registryCrash: 3
                case .registryRestart: 8
                case .network: 6
                case .midInput: 5
                }
            }
        }

        mutating func next(_ w: ChaosWorld, faults: Set<ChaosFault>, network: Bool = false) -> ChaosStatement {
            let names = w.names
            let up = names.filter(w.isUp)
            let loggedIn = names.filter(w.isLoggedIn)
            let pairs = loggedIn.flatMap { s in w.friends(s).map { (s, $0) } }
            // A peer that is up and logged out may always log in again (after a crash and
            // restart too), whichever faults are on.
            var options: [Kind] = [.wait]
            if !pairs.isEmpty { options.append(.send) }
            let members = loggedIn.filter { w.isMember($0, of: Chaos.group) }
            if !members.isEmpty { options.append(.sendGroup) }
            if up.contains(where: { !w.isLoggedIn($0) }) { options.append(.login) }
            if faults.contains(.logout), !loggedIn.isEmpty { options.append(.logout) }
            if faults.contains(.crash), !up.isEmpty { options.append(.crash) }
            if up.count < names.count { options.append(.restart) }
            if faults.contains(.wipe), names.contains(where: { !w.isLoggedIn($0) }) { options.append(.wipe) }
            if faults.contains(.partition) { options.append(.partition) }
            if w.isPartitioned { options.append(.heal) }
            if faults.contains(.registry) || !w.registryIsUp {
                options.append(w.registryIsUp ? .registryCrash : .registryRestart)
            }
            if network { options.append(.network) }
            // A fault point for a node that is up and has none armed: the peers, and the
            // registry when its outages are on.
            let armable = up.filter { !w.isArmed($0) }
                + (faults.contains(.registry) && w.registryIsUp && !w.isArmed(PeerName.registry) ? [PeerName.registry] : [])
            if faults.contains(.midInput), !armable.isEmpty { options.append(.midInput) }

            var roll = int(options.reduce(0) { $0 + $1.weight })
            var kind = options[0]
            for k in options {
                if roll < k.weight { kind = k; break }
                roll -= k.weight
            }
            switch kind {
            case .send:
                let (s, r) = pick(pairs)
                messages += 1
                return .action(.peer(s, .command(.send(to: r, text: "s\(seed)-m\(messages)"))))
            case .sendGroup:
                messages += 1
                return .action(.peer(pick(members), .command(.group(.send(group: Chaos.group, text: "s\(seed)-g\(messages)")))))
            case .wait:
                return .action(.wait(.milliseconds(Int64(1 + int(80)) * 100)))
            case .login:
                let n = pick(up.filter { !w.isLoggedIn($0) })
                return .action(.peer(n, .command(.login(password: Chaos.password(n)))))
            case .logout:
                return .action(.peer(pick(loggedIn), .command(.logout)))
            case .crash:
                return .action(.peer(pick(up), .crash))
            case .restart:
                return .action(.peer(pick(names.filter { !w.isUp($0) }), .restart))
            case .wipe:
                return .action(.peer(pick(names.filter { !w.isLoggedIn($0) }), .wipe))
            case .partition:
                var nodes = names + [PeerName.registry]
                for i in stride(from: nodes.count - 1, to: 0, by: -1) { nodes.swapAt(i, int(i + 1)) }
                let cut = 1 + int(nodes.count - 1)
                let order = Dictionary(uniqueKeysWithValues: (names + [PeerName.registry]).enumerated().map { ($1, $0) })
                let a = nodes[..<cut].sorted { order[$0]! < order[$1]! }
                let b = nodes[cut...].sorted { order[$0]! < order[$1]! }
                return .action(.partition([a, b]))
            case .heal:
                return .action(.heal)
            case .registryCrash:
                return .action(.registryCrash)
            case .registryRestart:
                return .action(.registryRestart)
            case .network:
                return .action(.network(networkSetting(names)))
            case .midInput:
                // An input takes a handful of steps (its commit, a send or two, a reply): 0 to 5
                // covers every point of most, and a larger one crashes right after the input.
                return .action(.crashMidInput(node: pick(armable), afterStep: int(6)))
            }
        }

        /// A change of the network's conditions: a latency range, a loss or duplication
        /// phase (or its end), for the whole network or one link (the registry's too), or a
        /// reset. Loss stays below 100 % network-wide; a single link may be cut.
        mutating func networkSetting(_ names: [String]) -> NetworkSetting {
            func percent(upTo max: Int) -> Percentage { Percentage(partsPerMillion: int(max + 1) * 10_000) }
            var link: [String]?
            if int(3) == 0 {
                let nodes = names + [PeerName.registry]
                let a = pick(nodes)
                let b = pick(nodes.filter { $0 != a })
                link = [a, b]
            }
            switch int(8) {
            case 0, 1, 2:
                let lo = Int64(int(40))
                return NetworkSetting(link: link, property: .latency(min: .milliseconds(lo), max: .milliseconds(lo + Int64(int(250)))))
            case 3, 4:
                return NetworkSetting(link: link, property: .loss(link != nil && int(4) == 0 ? .all : percent(upTo: 30)))
            case 5, 6:
                return NetworkSetting(link: link, property: .duplicate(percent(upTo: 20)))
            default:
                return NetworkSetting(property: .reset)
            }
        }
    }
}
