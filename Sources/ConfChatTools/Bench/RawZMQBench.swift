import ConfChatCore
import ConfChatCrypto
import ConfChatScenario
import ConfChatZMQ
import CZMQ
import Foundation
import Histogram

/// The yardstick: the bench's load pushed through bare libzmq, with no machines, codec,
/// storage or simulator in the way.
///
/// It builds what the simulator builds: for every node (the peers and the registry) an inbox
/// ROUTER bound to an endpoint and an outbox ROUTER connected to every endpoint the node
/// sends to (friends, fellow group members, the registry; the registry to every peer), over
/// CURVE on tcp as the simulator does. Then, on one thread, it sends a frame the size of the
/// bench's CHAT frame for every delivery, `batch` at a time, and reads each batch back
/// before the next, as the simulator settles.
///
/// Its resident memory ("libzmq's own") is taken when it holds the connections the
/// simulated network holds once set up: friends and the registry, both ways. Fellow group
/// members who are not friends are connected only after that, as the network connects them
/// only when the first message goes: counted before, they made the network look smaller
/// than libzmq alone (a negative "beyond libzmq").
///
/// As the protocol's floor (`protocolFloor`), it also does for each delivery what the
/// protocol asks of libzmq and libsodium beyond the CHAT, and nothing else: the recipient
/// acknowledges (a CHAT-ACK frame back to the sender), and the sender and the recipient each
/// seal a body of the CHAT frame's size as a backup entry (`MessageSealer.encrypt`, the
/// engine's own call) and send it to the registry. Four ZeroMQ messages and two seals a
/// delivery: the fastest any engine of this protocol could go on this machine, whatever
/// its code (docs/performance.md, "What bounds the ratio").
final class RawZMQBench {
    struct Result {
        var deliveries = 0
        var seconds = 0.0
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        /// Resident memory the sockets and connections added, before any message moved.
        var setupResidentBytes = 0
        /// Heap in use they added (`ProcessMemory.heapInUseBytes`), nil where unknown.
        var setupHeapBytes: Int?
        var sockets = 0
        var connections = 0
        /// Connections held when `setupResidentBytes` was taken: friends and registry, both ways.
        var setupConnections = 0
        /// ZeroMQ messages read in the timed phase: one a delivery, four as the protocol's floor.
        var framesRead = 0
        var messagesPerSecond: Double { seconds > 0 ? Double(deliveries) / seconds : 0 }
    }

    private let graph: BenchGraph
    private let workload: BenchWorkload
    private let transport: TransportKind
    private let batch: Int
    private let frameSize: Int
    private var context: ZMQContext?
    private var inboxes: [ZMQSocket] = []
    private var outboxes: [ZMQSocket] = []
    /// (sender << 32 | receiver) -> routing id of the sender's connection to the receiver.
    private var routes: [Int64: [UInt8]] = [:]
    private var ipcDirectory: String?
    private var endpoints: [String] = []
    /// Each node's CURVE public key (Z85): over tcp every connection is CURVE, as in the simulator.
    private var publicKeys: [[UInt8]] = []
    private var generation = 0
    private var curve: Bool { transport == .tcp }
    /// Set as the protocol's floor: seals each delivery's two backup entries.
    private let sealer: MessageSealer?
    private let backupKey = [UInt8](repeating: 0x5A, count: 32)

    init(graph: BenchGraph, workload: BenchWorkload, transport: TransportKind, batch: Int, frameSize: Int,
         protocolFloor: Bool = false) {
        self.sealer = protocolFloor ? MessageSealer(seed: 1, cost: .fast) : nil
        self.graph = graph
        self.workload = workload
        self.transport = transport
        self.batch = batch
        self.frameSize = frameSize
    }

    deinit { tearDown() }

    /// Builds the sockets, runs the load, tears everything down again.
    func run(progress: ((Double) -> Void)? = nil) throws -> Result {
        var result = Result()
        ProcessMemory.trim()
        let before = ProcessMemory.residentBytes()
        let heapBefore = ProcessMemory.heapInUseBytes()
        try build(&result)
        try warmUp()
        result.setupResidentBytes = max(0, ProcessMemory.residentBytes() - before)
        result.setupHeapBytes = heapBefore.flatMap { b in ProcessMemory.heapInUseBytes().map { $0 - b } }
        result.setupConnections = routes.count
        let setUpRoutes = Set(routes.keys)
        try connectGroups()
        try warmUp(except: setUpRoutes)
        result.connections = routes.count
        let deliveries = plan()
        let payload = [UInt8](repeating: 0x2A, count: frameSize)
        let start = BenchClock.nanoseconds()
        var sentAt = [UInt64](repeating: 0, count: batch)
        var i = 0
        while i < deliveries.count {
            let end = min(i + batch, deliveries.count)
            for k in i..<end {
                sentAt[k - i] = BenchClock.nanoseconds()
                try send(deliveries[k].0, deliveries[k].1, payload)
            }
            for k in i..<end {
                try receive(at: deliveries[k].1)
                _ = result.latency.record(BenchClock.nanoseconds() &- sentAt[k - i])
                if let sealer { try followUp(deliveries[k].0, deliveries[k].1, payload, sealer) }
            }
            result.framesRead += end - i
            if sealer != nil {
                let registry = graph.names.count
                for k in i..<end {
                    try receive(at: deliveries[k].0)
                    try receive(at: registry)
                    try receive(at: registry)
                }
                result.framesRead += 3 * (end - i)
            }
            i = end
            progress?(Double(i) / Double(deliveries.count))
        }
        result.seconds = BenchClock.seconds(since: start)
        result.deliveries = deliveries.count
        tearDown()
        ProcessMemory.trim()
        return result
    }

    /// Every delivery of the workload as (sender, receiver), in send order.
    private func plan() -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        out.reserveCapacity(workload.sends.count * (graph.groups.first?.members.count ?? 2))
        for s in workload.sends {
            if workload.isGroup {
                for m in graph.groups[Int(s.to)].members where m != Int(s.from) { out.append((Int(s.from), m)) }
            } else {
                out.append((Int(s.from), Int(s.to)))
            }
        }
        return out
    }

    private func build(_ result: inout Result) throws {
        let n = graph.names.count
        let ctx = try ZMQContext()
        context = ctx
        let prefix = "raw\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if transport == .ipc {
            let dir = "/tmp/confchat-\(prefix)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            ipcDirectory = dir
        }
        // Node n is the registry.
        for node in 0...n {
            let name = node == n ? PeerName.registry : graph.names[node]
            let keys = curve ? try Self.curveKeyPair() : (public: [], secret: [])
            let inbox = try ZMQSocket(context: ctx, type: ZMQ_ROUTER)
            if curve { try inbox.curveServer(secretKey: keys.secret) }
            try inbox.set(ZMQ_RCVHWM, int: 0)
            let endpoint: String = switch transport {
            case .inproc: "inproc://\(prefix)/\(name)"
            case .ipc: "ipc://\(ipcDirectory!)/\(name)"
            case .tcp: "tcp://127.0.0.1:*"
            }
            endpoints.append(try inbox.bind(endpoint))
            let outbox = try ZMQSocket(context: ctx, type: ZMQ_ROUTER)
            try outbox.set(ZMQ_ROUTING_ID, bytes: Array(name.utf8))
            try outbox.set(ZMQ_ROUTER_MANDATORY, int: 1)
            try outbox.set(ZMQ_SNDHWM, int: 0)
            if curve { try outbox.curveClient(publicKey: keys.public, secretKey: keys.secret) }
            publicKeys.append(keys.public)
            inboxes.append(inbox)
            outboxes.append(outbox)
        }
        result.sockets = 2 * (n + 1)
        for a in 0..<n {
            for b in graph.friends[a] { try connect(a, b) }
            try connect(a, n)
            try connect(n, a)
        }
    }

    /// Connects every group member to every other (those not friends are new connections).
    private func connectGroups() throws {
        for g in graph.groups {
            for a in g.members { for b in g.members where a != b { try connect(a, b) } }
        }
    }

    private func connect(_ a: Int, _ b: Int) throws {
        let key = Int64(a) << 32 | Int64(b)
        guard routes[key] == nil else { return }
        generation += 1
        let id = Array("c\(generation)".utf8)
        try outboxes[a].set(ZMQ_CONNECT_ROUTING_ID, bytes: id)
        if curve { try outboxes[a].set(ZMQ_CURVE_SERVERKEY, bytes: publicKeys[b]) }
        try outboxes[a].connect(endpoints[b])
        routes[key] = id
    }

    /// A CURVE key pair from libzmq, as Z85 text (the key options take it as well as bytes).
    private static func curveKeyPair() throws -> (public: [UInt8], secret: [UInt8]) {
        var publicKey = [CChar](repeating: 0, count: 41), secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw ZMQError("zmq_curve_keypair") }
        return (publicKey.prefix(40).map { UInt8(bitPattern: $0) }, secretKey.prefix(40).map { UInt8(bitPattern: $0) })
    }

    /// One message over every connection not in `done`, so tcp and ipc handshakes are done
    /// before timing.
    private func warmUp(except done: Set<Int64> = []) throws {
        let payload = [UInt8](repeating: 0, count: frameSize)
        let pending = routes.keys.filter { !done.contains($0) }.sorted()
        for key in pending { try send(Int(key >> 32), Int(key & 0xFFFF_FFFF), payload) }
        for key in pending { try receive(at: Int(key & 0xFFFF_FFFF)) }
    }

    @inline(__always)
    private func send(_ a: Int, _ b: Int, _ payload: [UInt8]) throws {
        let socket = outboxes[a].rawHandle
        guard let id = routes[Int64(a) << 32 | Int64(b)] else { throw BenchError.internal("no connection \(a) -> \(b)") }
        var rc = id.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, ZMQ_SNDMORE | ZMQ_DONTWAIT) }
        guard rc >= 0 else { throw ZMQError("zmq_send") }
        rc = payload.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, ZMQ_DONTWAIT) }
        guard rc >= 0 else { throw ZMQError("zmq_send") }
    }

    /// The protocol's floor beyond the CHAT from `a` to `b`: `b`'s acknowledgement, and each
    /// side's sealed backup entry to the registry (a body of the CHAT frame's size, sealed).
    private func followUp(_ a: Int, _ b: Int, _ body: [UInt8], _ sealer: MessageSealer) throws {
        let registry = graph.names.count
        try send(b, a, Self.acknowledgement)
        try send(a, registry, sealer.encrypt(body, key: backupKey))
        try send(b, registry, sealer.encrypt(body, key: backupKey))
    }

    /// The acknowledgement, as the codec writes a CHAT-ACK: the frame the engine sends.
    private static let acknowledgement = (try? WireCodec.encode(.chatAck(upTo: 1))) ?? []

    /// Reads one message (routing id and payload) from a node's inbox, waiting for it.
    @inline(__always)
    private func receive(at b: Int) throws {
        let socket = inboxes[b].rawHandle
        var msg = zmq_msg_t()
        zmq_msg_init(&msg)
        defer { zmq_msg_close(&msg) }
        repeat {
            guard zmq_msg_recv(&msg, socket, 0) >= 0 else { throw ZMQError("zmq_msg_recv") }
        } while zmq_msg_more(&msg) != 0
    }

    private func tearDown() {
        for s in inboxes + outboxes { s.close() }
        inboxes = []
        outboxes = []
        routes = [:]
        endpoints = []
        publicKeys = []
        context = nil
        if let ipcDirectory { try? FileManager.default.removeItem(atPath: ipcDirectory) }
        ipcDirectory = nil
    }
}
