import ConfChatCore
import ConfChatSimulator

/// Builds a bench's network through the peers' own commands, as users would: every peer
/// registers and logs in, every friendship is a request and an acceptance, every group is
/// created, and its members invited and joined. Each command settles the network, so when
/// this returns every friend sees every friend online.
enum BenchSetup {
    static func password(_ name: String) -> String { "pw-" + name }

    static func run(_ sim: Simulator, _ graph: BenchGraph, progress: ((Double) -> Void)?) throws {
        let names = graph.names
        let invites = graph.groups.reduce(0) { $0 + 2 * ($1.members.count - 1) + 1 }
        let total = Double(3 * names.count + 2 * graph.edges.count + invites)
        var done = 0
        func step(_ n: Int = 1) {
            done += n
            if done % 256 == 0 { progress?(Double(done) / total) }
        }
        func must(_ who: String, _ command: PeerCommand) throws {
            if let failure = try sim.command(who, command) {
                throw BenchError.refused("set-up: \(who) \(command): \(failure)")
            }
            step()
        }
        for chunk in stride(from: 0, to: names.count, by: 256) {
            let part = Array(names[chunk..<min(chunk + 256, names.count)])
            try sim.declare(part)
            step(part.count)
        }
        // Each user registers and then logs in, as a user does: the login's Argon2id then
        // finds the derivations the registration just made (the peer's in its sealer, the
        // registry's in `LastHashMemory`) instead of computing them again. All the
        // registrations first and then all the logins computed four a peer, not two.
        for name in names {
            try must(name, .register(password: password(name)))
            try must(name, .login(password: password(name)))
        }
        for (a, b) in graph.edges {
            try must(names[a], .addFriend(names[b]))
            try must(names[b], .accept(names[a]))
        }
        for g in graph.groups {
            let owner = names[g.members[0]]
            try must(owner, .group(.create(g.name)))
            for m in g.members.dropFirst() {
                try must(owner, .group(.invite(group: g.name, member: names[m])))
                try must(names[m], .group(.join(g.name)))
            }
        }
        try sim.settle()
        progress?(1)
    }

    /// Every friend must see every friend online, or sends would go through the mailbox and
    /// the bench would measure something else. Throws at the first pair that does not.
    static func checkPresence(_ sim: Simulator, _ graph: BenchGraph) throws {
        for (a, b) in graph.edges {
            for (x, y) in [(a, b), (b, a)] where try sim.sees(graph.names[x], graph.names[y]) != true {
                throw BenchError.internal("after set-up \(graph.names[x]) does not see \(graph.names[y]) online")
            }
        }
    }
}
