/// The outbox's connections, one per (endpoint, server key) pair the node has sent to, and
/// the cap on how many it keeps.
///
/// The registry answers a REGISTER or LOGIN at the endpoint the request names, over a
/// connection to the key that asked; anyone can make it see a fresh pair (a fresh key costs
/// nothing), and libzmq keeps each connection (an engine and buffers, or a reconnect timer
/// to an address that never answers) until it is disconnected. Beyond `limit` pairs the
/// least recently used one is disconnected: a legitimate peer among them is connected to
/// again at the next send, and what was queued for it is recovered by the protocol's
/// retries (docs/protocol.md 7, "registry outbox connections").
///
/// libzmq disconnects by endpoint (`zmq_disconnect`), which ends every connection made to
/// that endpoint: so a pair is evicted with all the pairs that share its endpoint.
public struct OutboxConnections {
    /// The registry's: as many as the users it lets connect at once (`InboxLimits.registry`).
    public static let registryLimit = 10_000

    private struct Pair {
        var id: [UInt8]
        /// The endpoint as given to `zmq_connect` (with its source address, if any).
        var connect: String
        var used: UInt64
    }

    /// Pairs kept at most; nil: no cap (a peer, which sends only to its registry, its
    /// friends and its groups' members).
    let limit: Int?
    private var pairs: [String: Pair] = [:]
    private var clock: UInt64 = 0
    private var generation: UInt64 = 0

    init(limit: Int?) { self.limit = limit }

    /// How many pairs are connected.
    var count: Int { pairs.count }

    /// The routing id of `pair`'s connection, marked as just used; nil if not connected.
    mutating func use(_ pair: String) -> [UInt8]? {
        guard pairs[pair] != nil else { return nil }
        clock += 1
        pairs[pair]!.used = clock
        return pairs[pair]!.id
    }

    /// The endpoints to disconnect before one more pair may be connected (the least recently
    /// used pairs beyond the limit); their pairs are forgotten.
    mutating func makeRoom() -> [String] {
        guard let limit else { return [] }
        var evicted: [String] = []
        while pairs.count >= max(1, limit), let oldest = pairs.values.min(by: { $0.used < $1.used }) {
            evicted.append(oldest.connect)
            forget(connect: oldest.connect)
        }
        return evicted
    }

    /// A fresh routing id (`c1`, `c2`, ...: libzmq refuses a connect that reuses a live one).
    mutating func freshID() -> [UInt8] {
        generation += 1
        return Array("c\(generation)".utf8)
    }

    /// Records `pair` as connected with `id`, through `connect`.
    mutating func add(_ pair: String, id: [UInt8], connect: String) {
        clock += 1
        pairs[pair] = Pair(id: id, connect: connect, used: clock)
    }

    /// The endpoint `pair` was connected through, if it is.
    func connect(of pair: String) -> String? { pairs[pair]?.connect }

    /// Forgets every pair connected through `connect` (its connections were ended).
    mutating func forget(connect: String) {
        pairs = pairs.filter { $0.value.connect != connect }
    }
}
