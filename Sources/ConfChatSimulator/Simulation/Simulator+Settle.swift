import ConfChatCore
import ConfChatCrypto
import ConfChatDriver
import ConfChatStorage

/// The nodes that handled inputs since the last group commit, in the order they first did.
struct GroupBatch {
    private(set) var peers: [SimPeer] = []
    private var names: Set<String> = []
    var registry = false

    mutating func add(_ p: SimPeer) {
        if names.insert(p.name).inserted { peers.append(p) }
    }

    mutating func take() -> (peers: [SimPeer], registry: Bool) {
        defer { self = GroupBatch() }
        return (peers, registry)
    }
}

/// Settling: delivering what is in flight, in send order, until nothing is.
extension Simulator {
    /// Delivers every message in flight, and those they cause, until none is left.
    /// On a perfect network every message arrives at once and simulated time does not move.
    /// Under network conditions (`network latency ...`) the clock moves to each message's
    /// arrival, earliest first (ties in send order), firing the timers that fall due on the
    /// way; traffic that never stops (a latency longer than the heartbeat interval) is left
    /// in flight once it has run for `settleHorizon`, for `advance` to carry on with.
    ///
    /// Not grouped, each message is a batch of its own: committed, then its effects carried
    /// out, before the next message (what scenarios and their traces show). Grouped, the
    /// simulator settles in rounds: every node's driver handles all its messages in flight,
    /// then commits once, one transaction a node a round, and only then sends what the round
    /// caused (the bench's way with a disk store). Either way messages are handled in the
    /// order they arrive. Grouped settling carries out no armed crash and needs a perfect network.
    ///
    /// The messages nobody waits on that peers held back (their backup entries,
    /// `HeldBackLinks`) leave when nothing else arrives at this instant: before the clock
    /// moves to a later arrival or a timer, and before the settling ends; then what they
    /// cause is settled in turn. So a delivery does not wait for the BACKUPs made before it,
    /// and each still leaves at the instant its batch ran.
    package func settle(grouped: Bool) throws {
        precondition(!grouped || faultPlans.isEmpty, "group commit does not carry out fault plans")
        precondition(!grouped || network.conditions.isPerfect, "group commit needs a perfect network")
        var handled = 0
        let horizon = now + Self.settleHorizon
        while true {
            while let arrival = network.nextArrival, arrival <= max(now, horizon) {
                if arrival > now, releaseHeldBack() { continue }
                if arrival > now, let due = timers.min?.at, due <= arrival {
                    _ = try fireNextTimer()
                    continue
                }
                now = max(now, arrival)
                guard let (fromNode, toNode, payload) = try network.next() else { break }
                let from = network.name(of: fromNode)
                // Messages that keep causing messages at one instant (a livelock, say with a
                // fault-injection knob on) end the run with an error instead of spinning for ever.
                handled += 1
                if handled > settleLimit {
                    throw SimulationError.invalidState("the network did not settle: over \(settleLimit) messages at \(now)")
                }
                let message: WireMessage
                do { message = try WireCodec.decode(payload, interning: interner) } catch {
                    let reason = payload.isEmpty && !network.rejected.isEmpty ? network.rejected.removeFirst() : "\(error)"
                    emit(.reject(at: network.name(of: toNode), from: from, reason: reason))
                    continue
                }
                if toNode == registryNode {
                    if grouped {
                        registryDriver.handle(.received(from: from, message), now: now)
                        batch.registry = true
                    } else {
                        try registryHandle(from: from, message)
                    }
                } else if toNode < peerAt.count, let p = peerAt[toNode] {
                    if PeerCryptoLayer.passesThrough(from: from) {
                        // A message from a peer, as it came: no array of inputs made for it. The
                        // message moves into its input (its last use): copied, each of its
                        // fields was retained here and released as the loop went round.
                        let input = PeerMachine.Input.received(from: from, consume message)
                        if grouped { handleInBatch(p, input) } else { try deliver(p, input) }
                        continue
                    }
                    for input in p.crypto.inputs(from: from, message) {
                        if grouped { handleInBatch(p, input) } else { try deliver(p, input) }
                    }
                }
            }
            if grouped, try commitBatch() { continue }
            guard releaseHeldBack() else {
                // Nothing left to deliver: the batches' buffers are emptied now, not on the
                // way of the next node's input (`BufferPool`).
                peerBuffers.sweep()
                return
            }
        }
    }

    /// Sends every message the peers held back (`HeldBackLinks`): peer by peer in the order
    /// each first held one, each peer's in the order it held them. The same order every run,
    /// so the trace is. Returns whether there was any.
    func releaseHeldBack() -> Bool {
        guard !holding.isEmpty else { return false }
        var peers: [HeldBackLinks] = []
        swap(&peers, &holding)
        for links in peers { links.releaseAll() }
        peers.removeAll(keepingCapacity: true)
        if holding.isEmpty { swap(&holding, &peers) }
        return true
    }

    /// How far one settling moves the clock at most (1 minute of simulated time).
    static let settleHorizon: Int64 = 60_000

    /// Handles a peer's input without committing it: it waits for `commitBatch`.
    func handleInBatch(_ p: SimPeer, _ input: PeerMachine.Input) {
        guard p.isUp else { return }
        p.driver.handle(input, now: now)
        batch.add(p)
    }

    /// One group commit: each node that handled inputs stages them as one transaction, the
    /// stores are flushed once (on disk: one write of the run's log for the whole round),
    /// and only then does each node carry out what its inputs caused, in the same order as
    /// before. Returns whether there was anything to commit.
    @discardableResult
    func commitBatch() throws -> Bool {
        let (touched, registryTouched) = batch.take()
        for p in touched { try p.driver.stage() }
        if registryTouched { try registryDriver.stage() }
        try runLog?.flush()  // memory stores are up to date as soon as they apply
        for p in touched { try p.driver.release() }
        if registryTouched {
            try registryDriver.release()
            try runChecks(takeChecks())
        }
        return !touched.isEmpty || registryTouched
    }

    /// Transactions committed so far by every node's driver (the bench reports them).
    package var transactions: Int {
        peers.values.reduce(registryDriver.transactions) { $0 + $1.driver.transactions }
    }
}
