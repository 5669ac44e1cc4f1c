import ConfChatCore
import ConfChatScenario

/// Which host each node of a scenario runs on with `confchat run --hosts N`, planned from the
/// scenario before it runs so that every `partition` it makes can be made in the kernel.
///
/// The kernel cuts hosts apart, not processes: two nodes on one host are always cut off
/// together. So nodes share a host only if every partition of the scenario treats them
/// alike: the same group, or both in none (a node in no group reaches everyone, so it may
/// not share a host with one that is cut off). Grouping nodes by how the partitions treat
/// them gives the classes that need hosts of their own; a scenario with more classes than
/// the hosts asked for runs on as many hosts as it has classes, and `widened` says so and
/// names the partition that needed them (so `--hosts 3` still runs every scenario, and
/// the printed plan shows where it took more). Hosts left over go to the largest classes,
/// so the processes are spread: with no partitions, the registry is on host 1 and the
/// peers go round-robin from host 2.
///
/// Example, 3 hosts, `peers alice bob carol` and `partition alice | bob carol registry`:
/// two classes, {registry bob carol} and {alice}; the third host goes to the larger one, so
/// host 1 registry carol, host 2 bob, host 3 alice.
public struct HostPlan: Sendable, Equatable {
    /// The hosts the plan uses: those asked for, or more when the partitions need more.
    public let hostCount: Int
    /// Why the plan uses more hosts than asked for (`FILE:LINE:COL` of the partition that
    /// needed them), nil when it does not.
    public let widened: String?
    /// Each node's host, 1...hostCount; the registry under `PeerName.registry`.
    public let hosts: [String: Int]
    /// The nodes in the order the plan lists them: the registry, then the peers as declared.
    let nodes: [String]

    /// Plans `scenario` over `hostCount` hosts, or more when its partitions need more.
    public init(scenario: Scenario, hostCount asked: Int) {
        precondition(asked >= 1, "at least one host")
        nodes = [PeerName.registry] + scenario.declaredPeers
        let partitions = scenario.statements.compactMap { s -> (Statement, [[String]])? in
            guard case let .action(.partition(groups), _) = s.kind else { return nil }
            return (s, groups)
        }
        // A node's class: the group it is in at each partition (-1 for none).
        var roles: [String: [Int]] = Dictionary(uniqueKeysWithValues: nodes.map { ($0, []) })
        var widenedAt: Statement?
        for (statement, groups) in partitions {
            for node in nodes {
                roles[node]!.append(groups.firstIndex { $0.contains(node) } ?? -1)
            }
            if widenedAt == nil, Set(roles.values).count > asked { widenedAt = statement }
        }
        // Classes in order of their first node (the registry's first).
        var classes: [[String]] = []
        var classOf: [[Int]: Int] = [:]
        for node in nodes {
            let role = roles[node]!
            if let c = classOf[role] { classes[c].append(node) } else {
                classOf[role] = classes.count
                classes.append([node])
            }
        }
        let hostCount = max(asked, classes.count)
        self.hostCount = hostCount
        widened = widenedAt.map { s in
            "\(s.location): '\(ScenarioText.excerpt(s.source))' needs \(hostCount) hosts, not \(asked): nodes on one host are cut off "
                + "together, and this scenario's partitions split its nodes into \(hostCount) sets that each need hosts of their own"
        }
        // One host a class, then each host left to the class with the most nodes a host.
        var share = Array(repeating: 1, count: classes.count)
        for _ in 0..<(hostCount - classes.count) {
            let c = classes.indices.max { Double(classes[$0].count) / Double(share[$0]) < Double(classes[$1].count) / Double(share[$1]) }!
            share[c] += 1
        }
        var hosts: [String: Int] = [:]
        var next = 1
        for (c, members) in classes.enumerated() {
            let first = next, count = share[c]
            next += count
            var peers = 0
            for node in members {
                if node == PeerName.registry {
                    hosts[node] = first
                } else {
                    // Round-robin, starting after the registry's host when the class has it.
                    let offset = (members.first == PeerName.registry ? 1 : 0) + peers
                    hosts[node] = first + offset % count
                    peers += 1
                }
            }
        }
        self.hosts = hosts
    }

    /// The host of a node (a declared peer, or `registry`).
    public func host(of node: String) -> Int? { hosts[node] }

    /// The pairs of hosts to cut apart, each (lower, higher), for `partition GROUPS`: every
    /// host of one group from every host of another. By the plan, no host holds nodes of two
    /// groups, nor a node of a group and one of none.
    public func cuts(for groups: [[String]]) -> [(Int, Int)] {
        let sides = groups.map { Set($0.compactMap(host(of:))) }
        var pairs: Set<[Int]> = []
        for i in sides.indices {
            for j in sides.indices where j > i {
                for a in sides[i] { for b in sides[j] where a != b { pairs.insert([min(a, b), max(a, b)]) } }
            }
        }
        return pairs.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }.map { ($0[0], $0[1]) }
    }

    /// The nodes on host H, the registry first, then the peers as declared.
    public func nodes(onHost h: Int) -> [String] { nodes.filter { hosts[$0] == h } }
}
