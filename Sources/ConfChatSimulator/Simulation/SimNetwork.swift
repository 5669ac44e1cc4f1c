import ConfChatCore
import ConfChatCrypto
import ConfChatScenario
import ConfChatZMQ
import CZMQ

/// The simulator's transport: real ZeroMQ sockets, with the simulator deciding what crosses.
///
/// Each node has an `inbox` ROUTER bound to its endpoint and an `outbox` ROUTER that connects
/// to the endpoints it sends to, each connection announcing its link's number as routing id. Every message sent is also noted in
/// a queue, with the simulated instant it arrives (at once on a perfect network; later under
/// `NetworkConditions`); settling takes the queue's earliest arrival (ties in send order) and
/// reads that message from the receiver's inbox, stashing anything else that arrived first.
/// So the order in which nodes *handle* messages is decided here, whatever the transport's
/// timing: that is what makes traces byte-identical across runs. Partitions, crashed nodes,
/// lost and duplicated messages are all decided here, before libzmq, so they hold on every
/// transport: a lost message never reaches libzmq, a duplicate goes through it twice.
package final class SimNetwork {
    /// A node's number: given when its name is first seen, kept across crashes and restarts.
    /// Names stay at the edges (the trace, the machines, the endpoints); inside, nodes, their
    /// connections, counters and stashes are found by number, in arrays and integer-keyed
    /// tables: a message used to cost a dozen `String` hashes here.
    typealias NodeID = Int
    /// A link's number: its place in `links`, and the routing id its sender's connections
    /// announce, so a frame read names its link and the link is found without a hash.
    typealias LinkID = Int

    struct InFlight: Comparable {
        var at: SimInstant
        /// Send order over the whole network: breaks ties between equal arrivals.
        var order: UInt64
        var link: LinkID
        /// Its place among the messages put on the wire on its link: libzmq keeps that
        /// order, so this finds the message among those read from the socket.
        var index: UInt64

        static func < (a: InFlight, b: InFlight) -> Bool { (a.at, a.order) < (b.at, b.order) }
        static func == (a: InFlight, b: InFlight) -> Bool { a.at == b.at && a.order == b.order }
    }

    /// One direction between two nodes: `from`'s connection to `to`'s inbox, and the frames
    /// put on the wire and read on it. Kept across crashes (its number is the routing id its
    /// connections announce); what is in flight to a node that goes down is forgotten.
    private struct Link {
        /// The two nodes' numbers, 4 octets each: a simulation keeps a link for every pair
        /// of friends in each direction.
        private let ends: (from: Int32, to: Int32)
        var from: NodeID { NodeID(ends.from) }
        var to: NodeID { NodeID(ends.to) }
        /// The number of the sender's connection's routing id (`ConnectionID`); 0 while there is none.
        var connection: UInt64 = 0
        var sent: UInt64 = 0
        var received: UInt64 = 0
        /// Frames read before their turn.
        var stash = LinkStash()

        init(from: NodeID, to: NodeID) {
            ends = (Int32(from), Int32(to))
        }
    }

    /// A connection's routing id, kept as its number: the id itself is the octet `c` and
    /// the number, 8 octets little-endian, made on the stack when a message goes
    /// (`ZMQSocket.send(routingID:_:)`). A node keeps 8 octets a connection, not an array.
    struct ConnectionID {
        let number: UInt64

        func withOctets<R>(_ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
            let n = number
            var octets: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
                0x63, UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n >> 16),
                UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 32), UInt8(truncatingIfNeeded: n >> 40),
                UInt8(truncatingIfNeeded: n >> 48), UInt8(truncatingIfNeeded: n >> 56))
            return try withUnsafeBytes(of: &octets) { (raw) throws(ZMQError) -> R in try body(raw) }
        }
    }

    private final class Node {
        let inbox: ZMQSocket
        let outbox: ZMQSocket
        let endpoint: String
        let keys: NodeKeys
        /// Its public key in hex, as the ZAP handler reports a CURVE connection's `User-Id`:
        /// over CURVE only (nil otherwise, where nothing asks for it).
        let keyHex: String?

        init(inbox: ZMQSocket, outbox: ZMQSocket, endpoint: String, keys: NodeKeys, curve: Bool) {
            self.inbox = inbox
            self.outbox = outbox
            self.endpoint = endpoint
            self.keys = keys
            keyHex = curve ? NodeKeys.hex(keys.publicKey) : nil
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case stalled(from: String, to: String)
        case bind(String, ZMQError)
        var description: String {
            switch self {
            case let .stalled(from, to): "transport stalled: a message from \(from) to \(to) did not arrive within 10 s"
            case let .bind(node, e): "cannot bind an endpoint for \(node): \(e)"
            }
        }
    }

    let transport: SimTransport
    private let context: ZMQContext
    /// Every name seen, by number, and back: keyed by octets with an unseeded hash, the
    /// simulator's own names (`OctetNames`).
    private var numbers = NameNumbers<OctetNames>()
    /// The running nodes, by number (nil while down).
    private var nodes: [Node?] = []
    private var atEndpoint: [String: NodeID] = [:]
    /// Every link, by number, and each node's links to others, sorted by the receiver's
    /// number: a binary search a message sent (an integer-keyed dictionary's hashing cost
    /// about 130 instructions a send), none a message read.
    private var links: [Link] = []
    private var outgoing: [[OutLink]] = []

    /// One of a node's links, 8 octets: the receiver's number and the link's.
    private struct OutLink {
        let to: Int32
        let link: Int32
    }
    private var inFlight = ArrivalQueue<InFlight>()
    private var sendOrder: UInt64 = 0
    /// Latency, loss and duplication (`network ...` statements); perfect until one is given.
    package var conditions: NetworkConditions
    private var cut = Partition()
    private var connectGeneration: UInt64 = 0
    /// Messages refused by the transport's own checks, for the trace.
    var rejected: [String] = []
    /// How many times each node has bound an endpoint, by number.
    private var lives: [Int] = []

    init(context: ZMQContext, transport: SimTransport, seed: UInt64) {
        self.context = context
        self.transport = transport
        conditions = NetworkConditions(seed: seed)
    }

    /// The node's number, given now if its name is new.
    func register(_ name: String) -> NodeID {
        let (id, isNew) = numbers.enter(name)
        guard isNew else { return id }
        nodes.append(nil)
        outgoing.append([])
        lives.append(0)
        return id
    }

    func name(of id: NodeID) -> String { numbers.name(id) }

    /// Opens a node's sockets and returns the endpoint it is reachable at.
    /// Over tcp every connection is CURVE, as between standalone processes: encrypted, and
    /// each message checked against the key its sender's connection authenticated with.
    var curve: Bool { transport.kind == .tcp }

    func attach(_ name: String, previous: String?, keys: NodeKeys) throws -> String {
        let id = register(name)
        if curve { try ZAPHandler.start(context: context) }
        let inbox = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        if curve { try inbox.curveServer(secretKey: keys.secretKey) }
        try inbox.set(ZMQ_ROUTER_HANDOVER, int: 1)  // a restarted sender's new connection takes over its routing id
        try inbox.set(ZMQ_RCVHWM, int: 0)
        var endpoint: String?
        var lastError: ZMQError?
        lives[id] += 1
        for candidate in transport.bindCandidates(for: name, previous: previous, life: lives[id]) {
            do { endpoint = try inbox.bind(candidate); break } catch { lastError = error }
        }
        guard let endpoint else { throw Failure.bind(name, lastError!) }
        let outbox = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        try outbox.set(ZMQ_ROUTER_MANDATORY, int: 1)
        try outbox.set(ZMQ_SNDHWM, int: 0)
        if curve { try outbox.curveClient(publicKey: keys.publicKey, secretKey: keys.secretKey) }
        nodes[id] = Node(inbox: inbox, outbox: outbox, endpoint: endpoint, keys: keys, curve: curve)
        atEndpoint[endpoint] = id
        return endpoint
    }

    /// The routing id a link's connections announce: its number, 8 bytes little-endian after
    /// a 0xFF (libzmq keeps ids that start with a zero byte for its own).
    static func routingID(_ link: LinkID) -> [UInt8] {
        [0xFF] + withUnsafeBytes(of: UInt64(link).littleEndian, Array.init)
    }

    /// The number a routing id carries, nil if it is no routing id of ours.
    static func link(fromRoutingID frame: UnsafeRawBufferPointer) -> LinkID? {
        guard frame.count == 9, frame[0] == 0xFF else { return nil }
        var value: UInt64 = 0
        for i in (1...8).reversed() { value = value << 8 | UInt64(frame[i]) }
        return value < UInt64(Int.max) ? Int(value) : nil
    }

    /// Closes a node's sockets at once (linger 0): a crash. Others forget their connections to
    /// it, so their next message opens a fresh one to whatever binds there next.
    func detach(_ name: String) throws {
        guard let id = numbers.number(of: name) else { return }
        // What the node already sent is on the wire and still arrives: move it into the
        // receivers' stashes before closing, since linger 0 may discard unread frames.
        try pullInFlight(from: id)
        guard let node = nodes[id] else { return }
        nodes[id] = nil
        atEndpoint[node.endpoint] = nil
        // Unbind first: closing hands the socket to libzmq's reaper thread, which frees an
        // inproc name only later, so binding it again at once (`restart`) could fail.
        _ = node.endpoint.withCString { zmq_unbind(node.inbox.rawHandle, $0) }
        node.inbox.close()
        node.outbox.close()
        inFlight.removeAll { links[$0.link].to == id }
        for l in links.indices {
            if links[l].from == id { links[l].connection = 0 }
            guard links[l].to == id else { continue }
            // What was in flight to it is gone with it: its next life counts from the start.
            if links[l].connection != 0, let sender = nodes[links[l].from] { try? disconnect(sender.outbox, node.endpoint) }
            links[l] = Link(from: links[l].from, to: id)
        }
    }

    private func disconnect(_ socket: ZMQSocket, _ endpoint: String) throws {
        _ = endpoint.withCString { zmq_disconnect(socket.rawHandle, $0) }
    }

    // MARK: - Partitions

    /// Nodes in different groups cannot exchange messages; nodes in no group reach everyone.
    func partition(_ groups: [[String]]) { cut = Partition(groups) }

    func heal() { cut = Partition() }

    package var isPartitioned: Bool { !cut.isEmpty }

    func blocked(_ a: String, _ b: String) -> Bool { cut.blocked(a, b) }

    // MARK: - Sending and receiving

    enum SendResult: Equatable {
        /// On the wire, arriving at `first`, and again at each of `more` (a duplicate). On a
        /// perfect network `more` is empty and no array is built for a message.
        case sent(SimInstant, more: [SimInstant])
        /// Lost by the network's conditions: it never reached libzmq.
        case lost
        case dropped(String)
    }

    /// Puts a message from node `from` on the wire to `to` at `endpoint` (where its sender
    /// believes `to` is). `id`, when the caller knows it, is `to`'s number.
    func send(from: NodeID, to: String, id: NodeID? = nil, endpoint: String, payload: [UInt8], now: SimInstant) -> SendResult {
        let fromName = name(of: from)
        guard let sender = nodes[from] else { return .dropped("\(fromName) is down") }
        if blocked(fromName, to) { return .dropped("partition") }
        // One look-up by name at most; the endpoint is checked against the receiver's own.
        guard let toID = id ?? numbers.number(of: to), let receiver = nodes[toID],
              OctetNames.same(receiver.endpoint, endpoint) else {
            guard let owner = atEndpoint[endpoint], nodes[owner] != nil else { return .dropped("\(to) is down") }
            return .dropped("\(endpoint) is now \(name(of: owner)), not \(to)")
        }
        if conditions.isPerfect {
            if let failure = put(payload, from: from, sender, to: toID, receiver, at: now) { return .dropped(failure) }
            return .sent(now, more: [])
        }
        switch conditions.fate(from: fromName, to: to) {
        case .lost: return .lost
        case let .arrives(delays):
            var arrivals: [SimInstant] = []
            for delay in delays {
                if let failure = put(payload, from: from, sender, to: toID, receiver, at: now + delay) {
                    return arrivals.isEmpty ? .dropped(failure) : .sent(arrivals[0], more: Array(arrivals.dropFirst()))
                }
                arrivals.append(now + delay)
            }
            return .sent(arrivals[0], more: Array(arrivals.dropFirst()))
        }
    }

    /// Sends one copy of a message and notes it in flight, arriving `at`. Returns why it
    /// could not be sent, nil when it was.
    private func put(_ payload: [UInt8], from: NodeID, _ sender: Node, to: NodeID, _ receiver: Node, at: SimInstant) -> String? {
        let link: LinkID
        do {
            link = self.link(from, to)
            let id = try connection(link, sender, receiver)
            try id.withOctets { (octets) throws(ZMQError) in try sender.outbox.send(routingID: octets, payload) }
        } catch {
            return "\(error)"
        }
        sendOrder += 1
        let index = Self.takeNext(&links[link].sent)
        inFlight.insert(InFlight(at: at, order: sendOrder, link: link, index: index))
        return nil
    }

    /// Returns a counter's value and counts one more.
    private static func takeNext(_ counter: inout UInt64) -> UInt64 {
        defer { counter += 1 }
        return counter
    }

    /// The link from `from` to `to`, made the first time they exchange a frame.
    private func link(_ from: NodeID, _ to: NodeID) -> LinkID {
        let key = Int32(to)
        let low = outgoing[from].lowerBound(of: key) { $0.to }
        if low < outgoing[from].count, outgoing[from][low].to == key { return LinkID(outgoing[from][low].link) }
        let link = links.count
        links.append(Link(from: from, to: to))
        outgoing[from].insert(OutLink(to: key, link: Int32(link)), at: low)
        return link
    }

    private func connection(_ link: LinkID, _ node: Node, _ receiver: Node) throws(ZMQError) -> ConnectionID {
        let number = links[link].connection
        if number != 0 { return ConnectionID(number: number) }
        // A fresh routing id per connection: libzmq asserts if a connect reuses a live one.
        connectGeneration += 1
        let id = ConnectionID(number: connectGeneration)
        try id.withOctets { (octets) throws(ZMQError) in try node.outbox.set(ZMQ_CONNECT_ROUTING_ID, bytes: Array(octets)) }
        // What the receiver reads as routing id: taken when the connection is made, so each
        // connection of one outbox can announce another.
        try node.outbox.set(ZMQ_ROUTING_ID, bytes: Self.routingID(link))
        if curve { try node.outbox.set(ZMQ_CURVE_SERVERKEY, bytes: receiver.keys.publicKey) }
        try node.outbox.connect(receiver.endpoint)
        links[link].connection = connectGeneration
        return id
    }

    private func pullInFlight(from sender: NodeID) throws {
        for out in outgoing[sender].sorted(by: { name(of: Int($0.to)) < name(of: Int($1.to)) }) {
            let (to, link) = (NodeID(out.to), LinkID(out.link))
            guard let node = nodes[to] else { continue }
            while links[link].received < links[link].sent {
                try receiveOne(node, waitingFor: sender, to: to)
            }
        }
    }

    /// Reads one message from a node's inbox into its link's stash, waiting (for tcp and ipc) if none is there yet.
    private func receiveOne(_ node: Node, waitingFor from: NodeID, to: NodeID) throws {
        if let (link, index, payload) = try readOne(node, waitingFor: from, to: to) { links[link].stash.put(payload, at: index) }
    }

    /// Reads one message from node `to`'s inbox: its link, its place on it, its payload. Nil
    /// when none was there yet (after waiting, for tcp and ipc, until one is) or it was no
    /// message of ours.
    private func readOne(_ node: Node, waitingFor from: NodeID, to: NodeID) throws -> (LinkID, UInt64, [UInt8])? {
        if let message = try node.inbox.receiveRouted(userID: curve, Self.link(fromRoutingID:)) {
            guard message.frames == 2, let link = message.sender, link < links.count, links[link].to == to else { return nil }
            let userId = message.userId
            let index = Self.takeNext(&links[link].received)
            let sender = links[link].from
            // Over CURVE, a routing id is only a claim: the key decides who sent it.
            if curve, userId != nodes[sender]?.keyHex {
                // Still counts as the claimed sender's message, so the send order stays whole;
                // an empty payload never decodes, and the simulator reports it as rejected.
                rejected.append("a message claiming to be from \(name(of: sender)) came with another key")
                return (link, index, [])
            }
            return (link, index, message.body)
        } else if try !node.inbox.waitReadable(timeoutMs: 10_000) {
            throw Failure.stalled(from: name(of: from), to: name(of: to))
        }
        return nil
    }

    /// When the next message in flight arrives: nil when none is.
    var nextArrival: SimInstant? { inFlight.min?.at }

    /// The next message to arrive (ties in send order), read from its receiver's socket.
    func next() throws -> (from: NodeID, to: NodeID, payload: [UInt8])? {
        while let head = inFlight.popMin() {
            let (from, to) = (links[head.link].from, links[head.link].to)
            guard let node = nodes[to] else { continue }
            // Read before its turn, it waits in its link's stash.
            if head.index < links[head.link].received {
                guard let payload = links[head.link].stash.take(head.index) else { continue }
                return (from, to, payload)
            }
            while true {
                // The frame awaited is handed on at once, not stashed first.
                guard let (link, index, payload) = try readOne(node, waitingFor: from, to: to) else { continue }
                if link == head.link && index == head.index { return (from, to, payload) }
                links[link].stash.put(payload, at: index)
            }
        }
        return nil
    }

    func shutDown() {
        inFlight = ArrivalQueue()
        // Every node goes, so none needs to forget its connections to the others first
        // (`detach` does that for one node, at a cost in proportion to the network).
        for case let node? in nodes {
            _ = node.endpoint.withCString { zmq_unbind(node.inbox.rawHandle, $0) }
            node.inbox.close()
            node.outbox.close()
        }
        nodes = nodes.map { _ in nil }
        atEndpoint = [:]
        transport.cleanUp()
    }
}
