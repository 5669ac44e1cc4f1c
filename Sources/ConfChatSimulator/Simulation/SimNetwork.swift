import ConfChatCore
import ConfChatCrypto
import ConfChatScenario
import ConfChatZMQ
import CZMQ
import HeapModule

/// The simulator's transport: real ZeroMQ sockets, with the simulator deciding what crosses.
///
/// Each node has an `inbox` ROUTER bound to its endpoint and an `outbox` ROUTER (routing id =
/// its name) that connects to the endpoints it sends to. Every message sent is also noted in
/// a queue, with the simulated instant it arrives (at once on a perfect network; later under
/// `NetworkConditions`); settling takes the queue's earliest arrival (ties in send order) and
/// reads that message from the receiver's inbox, stashing anything else that arrived first.
/// So the order in which nodes *handle* messages is decided here, whatever the transport's
/// timing: that is what makes traces byte-identical across runs. Partitions, crashed nodes,
/// lost and duplicated messages are all decided here, before libzmq, so they hold on every
/// transport: a lost message never reaches libzmq, a duplicate goes through it twice.
package final class SimNetwork {
    struct InFlight: Comparable {
        var at: SimInstant
        /// Send order over the whole network: breaks ties between equal arrivals.
        var order: UInt64
        var from: String
        var to: String
        /// Its place among the messages `from` put on the wire to `to`'s inbox: libzmq keeps
        /// that order, so this finds the message among those read from the socket.
        var index: UInt64

        static func < (a: InFlight, b: InFlight) -> Bool { (a.at, a.order) < (b.at, b.order) }
        static func == (a: InFlight, b: InFlight) -> Bool { a.at == b.at && a.order == b.order }
    }

    private final class Node {
        let inbox: ZMQSocket
        let outbox: ZMQSocket
        let endpoint: String
        let keys: NodeKeys
        /// endpoint -> the routing id of our connection to it.
        var connections: [String: [UInt8]] = [:]
        /// Frames read from the inbox and not handled yet, by sender and place (`InFlight.index`).
        var stash: [String: [UInt64: [UInt8]]] = [:]
        /// Frames put on the wire to this inbox, and read from it, by sender.
        var sent: [String: UInt64] = [:]
        var received: [String: UInt64] = [:]

        init(inbox: ZMQSocket, outbox: ZMQSocket, endpoint: String, keys: NodeKeys) {
            self.inbox = inbox
            self.outbox = outbox
            self.endpoint = endpoint
            self.keys = keys
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
    private var nodes: [String: Node] = [:]
    private var atEndpoint: [String: String] = [:]
    private var inFlight = Heap<InFlight>()
    private var sendOrder: UInt64 = 0
    /// Latency, loss and duplication (`network ...` statements); perfect until one is given.
    package var conditions: NetworkConditions
    private var cut = Partition()
    private var connectGeneration: UInt64 = 0
    /// Messages refused by the transport's own checks, for the trace.
    var rejected: [String] = []
    /// How many times each node has bound an endpoint.
    private var lives: [String: Int] = [:]

    init(context: ZMQContext, transport: SimTransport, seed: UInt64) {
        self.context = context
        self.transport = transport
        conditions = NetworkConditions(seed: seed)
    }

    /// Opens a node's sockets and returns the endpoint it is reachable at.
    /// Over tcp every connection is CURVE, as between standalone processes: encrypted, and
    /// each message checked against the key its sender's connection authenticated with.
    var curve: Bool { transport.kind == .tcp }

    func attach(_ name: String, previous: String?, keys: NodeKeys) throws -> String {
        if curve { try ZAPHandler.start(context: context) }
        let inbox = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        if curve { try inbox.curveServer(secretKey: keys.secretKey) }
        try inbox.set(ZMQ_ROUTER_HANDOVER, int: 1)  // a restarted sender's new connection takes over its name
        try inbox.set(ZMQ_RCVHWM, int: 0)
        var endpoint: String?
        var lastError: ZMQError?
        lives[name, default: 0] += 1
        for candidate in transport.bindCandidates(for: name, previous: previous, life: lives[name]!) {
            do { endpoint = try inbox.bind(candidate); break } catch { lastError = error }
        }
        guard let endpoint else { throw Failure.bind(name, lastError!) }
        let outbox = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        try outbox.set(ZMQ_ROUTING_ID, bytes: Array(name.utf8))
        try outbox.set(ZMQ_ROUTER_MANDATORY, int: 1)
        try outbox.set(ZMQ_SNDHWM, int: 0)
        if curve { try outbox.curveClient(publicKey: keys.publicKey, secretKey: keys.secretKey) }
        nodes[name] = Node(inbox: inbox, outbox: outbox, endpoint: endpoint, keys: keys)
        atEndpoint[endpoint] = name
        return endpoint
    }

    /// Closes a node's sockets at once (linger 0): a crash. Others forget their connections to
    /// it, so their next message opens a fresh one to whatever binds there next.
    func detach(_ name: String) throws {
        // What the node already sent is on the wire and still arrives: move it into the
        // receivers' stashes before closing, since linger 0 may discard unread frames.
        try pullInFlight(from: name)
        guard let node = nodes.removeValue(forKey: name) else { return }
        atEndpoint[node.endpoint] = nil
        // Unbind first: closing hands the socket to libzmq's reaper thread, which frees an
        // inproc name only later, so binding it again at once (`restart`) could fail.
        _ = node.endpoint.withCString { zmq_unbind(node.inbox.rawHandle, $0) }
        node.inbox.close()
        node.outbox.close()
        inFlight = Heap(inFlight.unordered.filter { $0.to != name })
        for other in nodes.values {
            if other.connections.removeValue(forKey: node.endpoint) != nil {
                try? disconnect(other.outbox, node.endpoint)
            }
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
        /// On the wire, arriving at these instants (two for a duplicate).
        case sent([SimInstant])
        /// Lost by the network's conditions: it never reached libzmq.
        case lost
        case dropped(String)
    }

    func send(from: String, to: String, endpoint: String, payload: [UInt8], now: SimInstant) -> SendResult {
        guard let sender = nodes[from] else { return .dropped("\(from) is down") }
        if blocked(from, to) { return .dropped("partition") }
        guard let owner = atEndpoint[endpoint], let receiver = nodes[owner] else { return .dropped("\(to) is down") }
        guard owner == to else { return .dropped("\(endpoint) is now \(owner), not \(to)") }
        let delays: [Int64]
        if conditions.isPerfect {
            delays = [0]
        } else {
            switch conditions.fate(from: from, to: to) {
            case .lost: return .lost
            case let .arrives(d): delays = d
            }
        }
        var arrivals: [SimInstant] = []
        for delay in delays {
            do {
                let id = try connection(sender, endpoint, serverKey: receiver.keys.publicKey)
                try sender.outbox.send([id, payload])
            } catch {
                return arrivals.isEmpty ? .dropped("\(error)") : .sent(arrivals)
            }
            sendOrder += 1
            let index = receiver.sent[from, default: 0]
            receiver.sent[from] = index + 1
            inFlight.insert(InFlight(at: now + delay, order: sendOrder, from: from, to: to, index: index))
            arrivals.append(now + delay)
        }
        return .sent(arrivals)
    }

    private func connection(_ node: Node, _ endpoint: String, serverKey: [UInt8]) throws(ZMQError) -> [UInt8] {
        if let id = node.connections[endpoint] { return id }
        // A fresh routing id per connection: libzmq asserts if a connect reuses a live one.
        connectGeneration += 1
        let id = Array("c\(connectGeneration)".utf8)
        try node.outbox.set(ZMQ_CONNECT_ROUTING_ID, bytes: id)
        if curve { try node.outbox.set(ZMQ_CURVE_SERVERKEY, bytes: serverKey) }
        try node.outbox.connect(endpoint)
        node.connections[endpoint] = id
        return id
    }

    private func pullInFlight(from name: String) throws {
        for to in nodes.keys.sorted() {
            let node = nodes[to]!
            while node.received[name, default: 0] < node.sent[name, default: 0] {
                try receiveOne(node, waitingFor: name, to: to)
            }
        }
    }

    /// Reads one message from a node's inbox into its stash, waiting (for tcp and ipc) if none is there yet.
    private func receiveOne(_ node: Node, waitingFor from: String, to: String) throws {
        if let (frames, userId) = try node.inbox.receiveAuthenticated() {
            guard frames.count == 2 else { return }
            let sender = String(decoding: frames[0], as: UTF8.self)
            let index = node.received[sender, default: 0]
            node.received[sender] = index + 1
            // Over CURVE, a routing id is only a claim: the key decides who sent it.
            if curve, userId != nodes[sender].map({ NodeKeys.hex($0.keys.publicKey) }) {
                // Still counts as the claimed sender's message, so the send order stays whole;
                // an empty payload never decodes, and the simulator reports it as rejected.
                rejected.append("a message claiming to be from \(sender) came with another key")
                node.stash[sender, default: [:]][index] = []
                return
            }
            node.stash[sender, default: [:]][index] = frames[1]
        } else if try !node.inbox.waitReadable(timeoutMs: 10_000) {
            throw Failure.stalled(from: from, to: to)
        }
    }

    /// When the next message in flight arrives: nil when none is.
    var nextArrival: SimInstant? { inFlight.min?.at }

    /// The next message to arrive (ties in send order), read from its receiver's socket.
    func next() throws -> (from: String, to: String, payload: [UInt8])? {
        while let head = inFlight.popMin() {
            guard let node = nodes[head.to] else { continue }
            while true {
                if let payload = node.stash[head.from]?.removeValue(forKey: head.index) { return (head.from, head.to, payload) }
                try receiveOne(node, waitingFor: head.from, to: head.to)
            }
        }
        return nil
    }

    func shutDown() {
        inFlight = Heap()
        // Every node goes, so none needs to forget its connections to the others first
        // (`detach` does that for one node, at a cost in proportion to the network).
        for node in nodes.values {
            _ = node.endpoint.withCString { zmq_unbind(node.inbox.rawHandle, $0) }
            node.inbox.close()
            node.outbox.close()
        }
        nodes = [:]
        atEndpoint = [:]
        transport.cleanUp()
    }
}
