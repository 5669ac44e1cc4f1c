import ConfChatCore
import ConfChatCrypto
import ConfChatZMQ
import CZMQ

/// The two sockets of a standalone node, as in the simulator: an inbox ROUTER bound to the
/// node's endpoint and an outbox ROUTER (no routing id of its own) that connects to the
/// endpoints it sends to. Unlike the simulator, nothing here orders delivery: messages are
/// handled as they arrive, and whatever arrives malformed is rejected and logged.
///
/// Every connection is CURVE: encrypted, and authenticated by the node's key pair. The
/// inbox is a CURVE server; each connection of the outbox names the key of the server it
/// expects, so a node that does not hold that key cannot answer in its place.
final class NodeSockets {
    let inbox: ZMQSocket
    let outbox: ZMQSocket
    let endpoint: String
    /// CURVE handshakes of the outbox that failed (a wrong server key, or a connection cut during one).
    let handshakes: HandshakeMonitor
    /// The inbox's connections, counted and capped (only with `InboxLimits`).
    let inboxConnections: InboxConnections?
    /// The outbox's connections by (endpoint, server key), capped for the registry.
    private var connections: OutboxConnections
    /// The local address outgoing connections are made from (`--connect-from`), nil for
    /// the system's choice. A runner's proxy tells the nodes apart by it.
    private let source: String?
    /// A peer's line to its registry, and the registry's endpoint: a DEALER of its own, so
    /// that what waits for the registry can be thrown away without touching the friends'
    /// connections (`dropRegistryQueue`, the lazy pirate's reconnect). Without it a request
    /// sent while the registry is down waits in libzmq's queue and is carried out when the
    /// registry returns, long after its command reported no answer. (`ZMQ_IMMEDIATE`, which
    /// queues nothing while a connection is down, would also lose what a peer sends in its
    /// first moments, before the handshake is done.)
    private let registryLine: (socket: ZMQSocket, endpoint: String, connect: String)?

    /// - Parameters:
    ///   - registry: a peer's registry, reached over a line of its own (`registryLine`),
    ///     which libzmq tries to connect again every `reconnectMs` while it is down.
    ///   - source: the local address to connect from.
    ///   - limits: what the inbox may be made to hold (`InboxLimits.registry`, `.peer`);
    ///     nil: libzmq's defaults and `WireCodec.maxFrameSize`, no cap on connections.
    ///   - outboxConnections: the outbox's connections kept at most (`OutboxConnections`);
    ///     nil: no cap.
    init(context: ZMQContext, name: String, bind: String, keys: NodeKeys,
         registry: (endpoint: String, key: [UInt8], reconnectMs: Int32)? = nil, source: String? = nil,
         limits: InboxLimits? = nil, outboxConnections: Int? = nil) throws {
        self.source = source
        connections = OutboxConnections(limit: outboxConnections)
        try ZAPHandler.start(context: context)
        inbox = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        try inbox.curveServer(secretKey: keys.secretKey)
        // Who sent a message is decided by its CURVE key alone; the routing id means nothing
        // here. Our outbox sets none (libzmq then picks a unique one no client can claim).
        // A client may choose one, though, and without handover libzmq ignores every later
        // connection with the same id: a squatter holding `alice` would silence alice, and a
        // user's second connection (a new key) would get nowhere. With handover the newest
        // connection wins, which never blocks anyone.
        try inbox.set(ZMQ_ROUTER_HANDOVER, int: 1)
        try inbox.set(ZMQ_MAXMSGSIZE, int64: Int64(limits?.frameOctets ?? WireCodec.maxFrameSize))
        if let limits {
            try inbox.set(ZMQ_RCVHWM, int: Int32(limits.queuedMessages))
            inboxConnections = try InboxConnections(watching: inbox, limits: limits)
        } else {
            inboxConnections = nil
        }
        endpoint = try inbox.bind(bind)
        outbox = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        try outbox.set(ZMQ_ROUTER_MANDATORY, int: 1)
        try outbox.set(ZMQ_SNDHWM, int: 10_000)
        try outbox.curveClient(publicKey: keys.publicKey, secretKey: keys.secretKey)
        if let registry {
            let line = try ZMQSocket(context: context, type: ZMQ_DEALER)
            try line.set(ZMQ_RECONNECT_IVL, int: registry.reconnectMs)
            try line.curveClient(publicKey: keys.publicKey, secretKey: keys.secretKey)
            try line.set(ZMQ_CURVE_SERVERKEY, bytes: registry.key)
            let connect = source.map { Self.endpoint(registry.endpoint, from: $0) } ?? registry.endpoint
            try line.connect(connect)
            registryLine = (line, registry.endpoint, connect)
        } else {
            registryLine = nil
        }
        handshakes = try HandshakeMonitor(watching: [outbox] + (registryLine.map { [$0.socket] } ?? []))
    }

    /// Sends without blocking. A full queue (the peer is unreachable for long) drops the
    /// message: the protocol's retries recover it, so a slow peer never stalls this node.
    func send(to endpoint: String, serverKey: [UInt8], _ payload: [UInt8]) -> ZMQError? {
        let key = "\(endpoint) \(NodeKeys.z85(serverKey))"
        do {
            if let line = registryLine, line.endpoint == endpoint {
                // EAGAIN: the queue is full (the registry is down for long).
                try line.socket.send([payload])
                return nil
            }
            try outbox.send([try connection(key, endpoint, serverKey), payload])
            return nil
        } catch {
            // The connection is gone: end libzmq's side of it too (else it stays, reconnecting
            // under an id nobody sends to, and uncounted), and connect afresh next time.
            if error.isHostUnreachable, let connect = connections.connect(of: key) { disconnect(connect) }
            return error
        }
    }

    private func connection(_ key: String, _ endpoint: String, _ serverKey: [UInt8]) throws(ZMQError) -> [UInt8] {
        if let id = connections.use(key) { return id }
        for connect in connections.makeRoom() { disconnect(connect) }
        let id = connections.freshID()
        let connect = source.map { Self.endpoint(endpoint, from: $0) } ?? endpoint
        try outbox.set(ZMQ_CONNECT_ROUTING_ID, bytes: id)
        try outbox.set(ZMQ_CURVE_SERVERKEY, bytes: serverKey)
        try outbox.connect(connect)
        connections.add(key, id: id, connect: connect)
        return id
    }

    /// Ends the outbox's connections to `connect` (linger 0: what waits for them is dropped)
    /// and forgets their pairs.
    private func disconnect(_ connect: String) {
        outbox.disconnect(connect)
        connections.forget(connect: connect)
    }

    /// Throws away what waits for the registry, and connects again: after a request met no
    /// answer, nothing of it (nor of anything sent with it) may reach the registry later.
    /// Disconnecting ends the connection and its queue (linger 0); the new one starts empty.
    func dropRegistryQueue() {
        guard let line = registryLine else { return }
        line.socket.disconnect(line.connect)
        try? line.socket.connect(line.connect)
    }

    /// libzmq's form for a tcp connection from a given local address, any port:
    /// `tcp://SOURCE:0;HOST:PORT`.
    static func endpoint(_ endpoint: String, from source: String) -> String {
        guard endpoint.hasPrefix("tcp://") else { return endpoint }
        return "tcp://\(source):0;" + endpoint.dropFirst("tcp://".count)
    }

    /// One waiting message from the inbox: the name its routing id claims ("an unnamed
    /// connection" unless a valid name: the log's words only, never the sender), its body,
    /// how many frames came after the routing id (a well-formed message has one), and the
    /// public key (hex) the sender's connection was authenticated with.
    func receive() throws -> (claimed: String, body: [UInt8], frames: Int, key: String?)? {
        guard let m = try inbox.receiveRouted({ String(decoding: $0, as: UTF8.self) }) else { return nil }
        let claimed = m.sender.flatMap { PeerName.isValid($0) ? $0 : nil } ?? "an unnamed connection"
        return (claimed, m.body, max(0, m.frames - 1), m.userId)
    }

    /// Waits until the inbox or `fd` has input, or `timeoutMs` passes (-1: forever).
    func wait(fd: Int32?, timeoutMs: Int) throws -> (inbox: Bool, fd: Bool) {
        let ready = try wait(fds: fd.map { [$0] } ?? [], control: nil, timeoutMs: timeoutMs)
        return (ready.inbox, ready.fds.first ?? false)
    }

    /// Waits until the inbox, one of `fds` or the control channel's socket has input, or
    /// `timeoutMs` passes (-1: forever).
    func wait(fds: [Int32], control: ZMQSocket?, timeoutMs: Int) throws -> (inbox: Bool, fds: [Bool], control: Bool) {
        // Connections the outbox disconnected close once it acknowledges their end.
        outbox.processCommands()
        let monitors = handshakes.rawHandles + (inboxConnections.map { [$0.rawHandle] } ?? [])
        var items = [zmq_pollitem_t(socket: inbox.rawHandle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)]
        for m in monitors { items.append(zmq_pollitem_t(socket: m, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)) }
        for fd in fds { items.append(zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)) }
        if let control { items.append(zmq_pollitem_t(socket: control.rawHandle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)) }
        let rc = zmq_poll(&items, Int32(items.count), timeoutMs)
        if rc < 0 {
            let e = ZMQError("zmq_poll")
            if e.errno == EINTR { return (false, fds.map { _ in false }, false) }
            throw e
        }
        // A pipe whose writer has closed polls as POLLHUP, which zmq_poll reports as
        // ZMQ_POLLERR, not ZMQ_POLLIN: it counts as readable, so the caller's read sees the
        // end of input (otherwise the poll returns at once, for ever, and the loop spins).
        let watched = handshakes.rawHandles.count
        if items[1..<1 + watched].contains(where: { $0.revents & Int16(ZMQ_POLLIN) != 0 }) { try handshakes.drain() }
        if let connections = inboxConnections, items[1 + watched].revents & Int16(ZMQ_POLLIN) != 0 { try connections.drain() }
        let fdReady = fds.indices.map { items[1 + monitors.count + $0].revents & Int16(ZMQ_POLLIN | ZMQ_POLLERR) != 0 }
        let controlReady = control != nil && items[items.count - 1].revents & Int16(ZMQ_POLLIN) != 0
        return (items[0].revents & Int16(ZMQ_POLLIN) != 0, fdReady, controlReady)
    }

    func close() {
        inbox.close()
        outbox.close()
        registryLine?.socket.close()
        handshakes.close()
        inboxConnections?.close()
    }

    /// Gives the C heap's free memory back to the system once at least `after` inbox
    /// connections have closed since the last time. Each connection's buffers are freed
    /// when it ends, but glibc keeps the freed pages in its arenas (libzmq's I/O thread has
    /// one of its own) for the next allocation; after a burst of connections that is the
    /// burst's peak, held for good. Cheap enough for a node with nothing else to do.
    func trimHeap(after: Int = 64) {
        guard let connections = inboxConnections, connections.closedSinceTrim >= after else { return }
        connections.closedSinceTrim = 0
        HeapTrim.trim()
    }
}
