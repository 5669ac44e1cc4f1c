import ConfChatScenario
import Foundation

/// How many open files a simulated run needs, checked against the process's limit before
/// anything runs (docs/performance.md, "Open files").
///
/// Every peer holds its SQLite database and two ZeroMQ sockets, each socket a descriptor of
/// its own (libzmq's mailbox); on ipc and tcp every connection costs a descriptor at each
/// end. Past `RLIMIT_NOFILE` a run fails deep inside libzmq or SQLite ("zmq_socket: Too many
/// open files", "SQLite error 14: unable to open database file"), after minutes and without
/// saying which limit. So the soft limit is first raised to the hard one, which any process
/// may do, and a run that still does not fit is refused with the numbers.
///
/// The costs were measured by bisecting `ulimit -n` over runs of 20 and 80 peers that
/// register, log in and each befriend a neighbour (the per-peer cost is the slope; the
/// fixed cost, about 15, is rounded up to `base`).
public enum FileDescriptorBudget {
    /// What the process holds besides the peers: standard streams, libzmq's own threads and
    /// the registry (its database and sockets), with room to spare.
    public static let base = 32

    /// Descriptors a peer holds: its database (file, journal) and its two sockets; on ipc and
    /// tcp also its listening socket and its connection to the registry, both ends.
    public static func perPeer(_ transport: TransportKind) -> Int {
        transport == .inproc ? 5 : 10
    }

    /// Descriptors a pair of peers that talk to each other (friends, or a group's owner and
    /// a member) adds: on ipc and tcp a connection each way, two ends each.
    public static func perPair(_ transport: TransportKind) -> Int {
        transport == .inproc ? 0 : 4
    }

    /// The estimate for one scenario: its declared peers and every pair an `add-friend` or
    /// `invite` line links.
    public static func needed(for scenario: Scenario, transport override: TransportKind?) -> Need {
        var transport = TransportKind.inproc
        var pairs: Set<[String]> = []
        for statement in scenario.statements {
            switch statement.kind {
            case let .transport(t): transport = t
            case let .action(.peer(peer, .command(.addFriend(other))), _), let .action(.peer(peer, .command(.group(.invite(_, other)))), _):
                pairs.insert([peer, other].sorted())
            default: break
            }
        }
        let kind = override ?? transport
        let peers = scenario.declaredPeers.count
        return Need(count: base + peers * perPeer(kind) + pairs.count * perPair(kind), transport: kind, peers: peers, pairs: pairs.count)
    }

    /// A scenario's estimate and what it is made of, for the message.
    public struct Need: Sendable {
        public var count: Int
        public var transport: TransportKind
        public var peers: Int
        public var pairs: Int
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns both (soft first).
    @discardableResult
    public static func raiseLimit() -> (soft: Int, hard: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (Int.max, Int.max) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return (clamp(limit.rlim_cur), clamp(limit.rlim_max))
    }

    /// Why a run that needs `needed` descriptors cannot start under a limit of `limit`, or
    /// nil when it fits: which limit, what the run needs, and what to do.
    public static func problem(needed: Int, limit: Int, what: String, largest need: Need) -> String? {
        guard needed > limit else { return nil }
        let transport = need.transport
        var ways = ["raise the limit with `ulimit -n \(needed)` (in the shell that starts confchat; above the hard limit only root can)"]
        if transport != .inproc {
            ways.append("use --transport inproc (\(perPeer(.inproc)) a peer instead of \(perPeer(transport)), nothing a connection)")
        }
        let fitting = max(0, (limit - base) / perPeer(transport))
        ways.append("declare fewer peers (about \(fitting) fit on \(transport.rawValue))")
        var parts = ["\(need.peers) peers × \(perPeer(transport)) on \(transport.rawValue)"]
        if perPair(transport) > 0 { parts.append("\(need.pairs) pairs of friends × \(perPair(transport))") }
        parts.append("\(base) for the process")
        return """
            \(what) needs about \(needed) open files (\(parts.joined(separator: " + "))), but the open-file limit \
            (RLIMIT_NOFILE, `ulimit -n`) is \(limit). To run it: \(ways.joined(separator: "; or "))
            """
    }

    private static func clamp(_ value: rlim_t) -> Int {
        value > rlim_t(Int.max) ? Int.max : Int(value)  // RLIM_INFINITY is all ones
    }
}
