import ConfChatCore
import ConfChatCrypto
import ConfChatScenario
import ConfChatZMQ
import CZMQ
import DequeModule

/// The simulator's transport: real ZeroMQ sockets, with the simulator deciding what crosses.
///
/// Each node has an `inbox` ROUTER bound to its endpoint and an `outbox` ROUTER (routing id =
/// its name) that connects to the endpoints it sends to. Every message sent is also noted in
/// a FIFO; settling pops the FIFO and reads that message from the receiver's inbox, stashing
/// anything else that arrived first. So the order in which nodes *handle* messages is the
/// order they were sent, whatever the transport's timing: that is what makes traces
/// byte-identical across runs. Partitions and crashed nodes are enforced here, before
/// libzmq, so they hold on every transport.
package final class SimNetwork {
    struct InFlight {
        var from: String
        var to: String
    }

    private final class Node {
        let inbox: ZMQSocket
        let outbox: ZMQSocket
        let endpoint: String
        let keys: NodeKeys
        /// endpoint -> the routing id of our connection to it.
        var connections: [String: [UInt8]] = [:]
        var stash: [String: Deque<[UInt8]>] = [:]

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
    private var fifo = Deque<InFlight>()
    private var side: [String: Int] = [:]
    private var connectGeneration: UInt64 = 0
    /// Messages refused by the transport's own checks, for the trace.
    var rejected: [String] = []
    /// How many times each node has bound an endpoint.
    private var lives: [String: Int] = [:]

    init(context: ZMQContext, transport: SimTransport) {
        self.context = context
        self.transport = transport
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
        fifo.removeAll { $0.to == name }
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
    func partition(_ groups: [[String]]) {
        side = [:]
        for (i, g) in groups.enumerated() { for n in g { side[n] = i } }
    }

    func heal() { side = [:] }

    package var isPartitioned: Bool { !side.isEmpty }

    func blocked(_ a: String, _ b: String) -> Bool {
        guard !side.isEmpty, let x = side[a], let y = side[b] else { return false }
        return x != y
    }

    // MARK: - Sending and receiving

    enum SendResult: Equatable {
        case sent
        case dropped(String)
    }

    func send(from: String, to: String, endpoint: String, payload: [UInt8]) -> SendResult {
        guard let sender = nodes[from] else { return .dropped("\(from) is down") }
        if blocked(from, to) { return .dropped("partition") }
        guard let owner = atEndpoint[endpoint], let receiver = nodes[owner] else { return .dropped("\(to) is down") }
        guard owner == to else { return .dropped("\(endpoint) is now \(owner), not \(to)") }
        do {
            let id = try connection(sender, endpoint, serverKey: receiver.keys.publicKey)
            try sender.outbox.send([id, payload])
        } catch {
            return .dropped("\(error)")
        }
        fifo.append(InFlight(from: from, to: to))
        return .sent
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
        var pending: [String: Int] = [:]
        for f in fifo where f.from == name { pending[f.to, default: 0] += 1 }
        for (to, count) in pending.sorted(by: { $0.key < $1.key }) {
            guard let node = nodes[to] else { continue }
            while (node.stash[name]?.count ?? 0) < count {
                try receiveOne(node, waitingFor: name, to: to)
            }
        }
    }

    /// Reads one message from a node's inbox into its stash, waiting (for tcp and ipc) if none is there yet.
    private func receiveOne(_ node: Node, waitingFor from: String, to: String) throws {
        if let (frames, userId) = try node.inbox.receiveAuthenticated() {
            guard frames.count == 2 else { return }
            let sender = String(decoding: frames[0], as: UTF8.self)
            // Over CURVE, a routing id is only a claim: the key decides who sent it.
            if curve, userId != nodes[sender].map({ NodeKeys.hex($0.keys.publicKey) }) {
                // Still counts as the claimed sender's message, so the send order stays whole;
                // an empty payload never decodes, and the simulator reports it as rejected.
                rejected.append("a message claiming to be from \(sender) came with another key")
                node.stash[sender, default: []].append([])
                return
            }
            node.stash[sender, default: []].append(frames[1])
        } else if try !node.inbox.waitReadable(timeoutMs: 10_000) {
            throw Failure.stalled(from: from, to: to)
        }
    }

    /// The next message in send order, read from its receiver's socket.
    func next() throws -> (from: String, to: String, payload: [UInt8])? {
        while let head = fifo.popFirst() {
            guard let node = nodes[head.to] else { continue }
            while true {
                if let payload = node.stash[head.from]?.popFirst() { return (head.from, head.to, payload) }
                try receiveOne(node, waitingFor: head.from, to: head.to)
            }
        }
        return nil
    }

    func shutDown() {
        fifo.removeAll()
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
