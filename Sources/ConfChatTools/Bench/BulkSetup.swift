import ConfChatCore
import ConfChatSimulator

/// A faster set-up for large benches, bench only: the durable state that registering and
/// befriending would leave is written straight into the stores, then every peer logs in
/// through its machine.
///
/// What is written is what `BenchSetup` produces through commands: at the registry an
/// account for each peer (password hash, endpoint, public key), the friendships, and the
/// groups with their members in the order they joined; at each peer its credentials, its
/// friends with their endpoints and keys, and its groups as the registry describes them.
/// The registry's account takes one Argon2id hash a user; the peer's credentials are those
/// its commands would store (`MessageSealer.credentials`: the same for the same password).
///
/// The logins are real: each peer checks its password, greets every friend (HELLO and its
/// reply, opening the ZeroMQ connections) and fetches its login snapshot from the registry,
/// so afterwards every friend sees every friend online, as after `BenchSetup`.
enum BulkSetup {
    static func run(_ sim: Simulator, _ graph: BenchGraph, progress: ((Double) -> Void)?) throws {
        let names = graph.names
        let total = Double(3 * names.count)
        for chunk in stride(from: 0, to: names.count, by: 256) {
            try sim.declare(Array(names[chunk..<min(chunk + 256, names.count)]))
            progress?(Double(min(chunk + 256, names.count)) / total)
        }
        let peers = try sim.benchPeers(names)
        let endpoint = peers.map { $0.endpoint ?? "" }
        let key = peers.map(\.crypto.keys.publicKey)
        var hashes: [String] = []
        hashes.reserveCapacity(names.count)
        for (i, name) in names.enumerated() {
            hashes.append(sim.registryHasher.hash(BenchSetup.password(name)))
            if i % 256 == 0 { progress?(Double(names.count + i) / total) }
        }

        // The registry: accounts, friendships, groups.
        var registry: [RegistryMutation] = []
        for i in names.indices {
            registry.append(.addAccount(name: names[i], hash: hashes[i], endpoint: endpoint[i], key: key[i]))
        }
        for (a, b) in graph.edges { registry.append(.addFriendship(names[a], names[b])) }
        for g in graph.groups {
            registry.append(.createGroup(name: g.name, owner: names[g.members[0]]))
            for m in g.members.dropFirst() { registry.append(.joinGroup(group: g.name, member: names[m])) }
        }
        try sim.preloadRegistry(registry)

        // Each peer: credentials, friends, keys, groups; then its machine restarts from them.
        var groupsOf = Array(repeating: [Int](), count: names.count)
        for (gi, g) in graph.groups.enumerated() { for m in g.members { groupsOf[m].append(gi) } }
        for (i, p) in peers.enumerated() {
            var batch: [PeerMutation] = [.setCredentials(hash: sim.sealer.credentials(user: names[i], password: BenchSetup.password(names[i])))]
            var known = Set<Int>()
            for f in graph.friends[i] {
                if known.insert(f).inserted { batch.append(.setKey(name: names[f], key: key[f])) }
                batch.append(.setFriend(name: names[f], endpoint: endpoint[f]))
            }
            for gi in groupsOf[i] {
                let g = graph.groups[gi]
                let members = g.members.sorted { names[$0] < names[$1] }
                    .map { FriendInfo(name: names[$0], endpoint: endpoint[$0], online: false, key: key[$0]) }
                for m in g.members where m != i && known.insert(m).inserted { batch.append(.setKey(name: names[m], key: key[m])) }
                batch.append(.setGroup(GroupInfo(name: g.name, owner: names[g.members[0]], members: members)))
            }
            try sim.preload(p, batch)
        }

        for (i, name) in names.enumerated() {
            if let failure = try sim.command(name, .login(password: BenchSetup.password(name))) {
                throw BenchError.refused("set-up: \(name) login: \(failure)")
            }
            if i % 256 == 0 { progress?(Double(2 * names.count + i) / total) }
        }
        try sim.settle()
        progress?(1)
    }
}
