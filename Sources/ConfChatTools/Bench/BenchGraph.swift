import ConfChatCore

/// The seeded random friend graph of a bench: peers, friendships, and groups.
///
/// Friendships form a ring lattice over a seeded random permutation of the peers: each peer
/// is friends with the `K/2` peers after it and the `K/2` before it in the shuffled order
/// (for odd `K`, also with the peer opposite it when `N` is even). Every peer so has exactly
/// `K` friends (odd `K` with odd `N`: one peer has `K - 1`), who they are is random, and
/// the graph is a function of the seed alone.
public struct BenchGraph: Sendable {
    public let names: [String]
    /// Friendships as pairs of peer indexes, `a < b`, each once, in a seeded order.
    public let edges: [(Int, Int)]
    /// `friends[i]`: the friends of peer `i`, ascending.
    public let friends: [[Int]]
    public let groups: [Group]

    /// A group: its owner (a member) and its members (owner first), all friends of the owner.
    public struct Group: Sendable {
        public let name: String
        public let members: [Int]
    }

    public init(peers n: Int, friends k: Int, groupSize: Int?, seed: UInt64) {
        let width = String(n - 1).count
        names = (0..<n).map { i in "p" + String(repeating: "0", count: width - String(i).count) + String(i) }
        var rng = SplitMix64(seed: seed ^ 0xB3_4C_11)
        var order = Array(0..<n)
        order.shuffle(using: &rng)
        var pairs = Set<Int>()
        var list: [(Int, Int)] = []
        func link(_ x: Int, _ y: Int) {
            let a = min(x, y), b = max(x, y)
            guard a != b, pairs.insert(a * n + b).inserted else { return }
            list.append((a, b))
        }
        for pos in 0..<n {
            for step in 0..<(k / 2) { link(order[pos], order[(pos + step + 1) % n]) }
            if k % 2 == 1, n % 2 == 0, pos < n / 2 { link(order[pos], order[pos + n / 2]) }
        }
        list.shuffle(using: &rng)
        edges = list
        var f = Array(repeating: [Int](), count: n)
        for (a, b) in list {
            f[a].append(b)
            f[b].append(a)
        }
        friends = f.map { $0.sorted() }
        var groups: [Group] = []
        if let g = groupSize {
            // One group for every G peers, each owned by a different random peer, whose
            // members are the owner and G - 1 of the owner's friends.
            let count = max(1, n / g)
            let owners = Array(order.shuffled(using: &rng).prefix(count))
            for (i, owner) in owners.enumerated() {
                let members = [owner] + Array(f[owner].shuffled(using: &rng).prefix(g - 1))
                groups.append(Group(name: "g\(i)", members: members))
            }
        }
        self.groups = groups
    }
}
