import CZMQ
import Foundation

/// A libzmq socket owned by exactly one thread.
///
/// Only what conf-chat needs, done carefully (see style.md on earlier wrappers): every
/// return value is checked, messages are received with `zmq_msg_t` so any size works,
/// linger is 0 so closing never blocks, and sending never blocks (`ZMQ_DONTWAIT`).
public final class ZMQSocket {
    private let context: ZMQContext
    private var handle: UnsafeMutableRawPointer?

    public init(context: ZMQContext, type: Int32) throws(ZMQError) {
        guard let h = zmq_socket(context.handle, type) else { throw ZMQError("zmq_socket") }
        self.context = context
        self.handle = h
        try set(ZMQ_LINGER, int: 0)
        try set(ZMQ_MAXMSGSIZE, int64: Int64(32 * 1024 * 1024))
    }

    deinit { close() }

    public func close() {
        if let h = handle { _ = zmq_close(h) }
        handle = nil
    }

    /// The libzmq handle, for the rare call this wrapper does not cover.
    package var rawHandle: UnsafeMutableRawPointer { h }

    private var h: UnsafeMutableRawPointer {
        guard let handle else { preconditionFailure("socket used after close") }
        return handle
    }

    public func set(_ option: Int32, int value: Int32) throws(ZMQError) {
        var v = value
        guard zmq_setsockopt(h, option, &v, MemoryLayout<Int32>.size) == 0 else { throw ZMQError("zmq_setsockopt(\(option))") }
    }

    public func set(_ option: Int32, int64 value: Int64) throws(ZMQError) {
        var v = value
        guard zmq_setsockopt(h, option, &v, MemoryLayout<Int64>.size) == 0 else { throw ZMQError("zmq_setsockopt(\(option))") }
    }

    public func set(_ option: Int32, bytes: [UInt8]) throws(ZMQError) {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(h, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError("zmq_setsockopt(\(option))") }
    }

    public func getString(_ option: Int32) throws(ZMQError) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(h, option, &buffer, &size) == 0 else { throw ZMQError("zmq_getsockopt(\(option))") }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Binds and returns the endpoint actually bound (`tcp://127.0.0.1:*` becomes a real port).
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        guard zmq_bind(h, endpoint) == 0 else { throw ZMQError("zmq_bind(\(endpoint))") }
        return try getString(ZMQ_LAST_ENDPOINT)
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(h, endpoint) == 0 else { throw ZMQError("zmq_connect(\(endpoint))") }
    }

    /// Sends a multipart message without blocking. Throws EAGAIN at the high-water mark and
    /// EHOSTUNREACH for an unknown routing id (ROUTER with `ZMQ_ROUTER_MANDATORY`).
    public func send(_ frames: [[UInt8]]) throws(ZMQError) {
        for (i, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (i < frames.count - 1 ? ZMQ_SNDMORE : 0)
            let rc = frame.withUnsafeBytes { zmq_send(h, $0.baseAddress, $0.count, flags) }
            guard rc >= 0 else { throw ZMQError("zmq_send") }
        }
    }

    /// Sends a two-frame message (a routing id and a body) without blocking, as `send(_:)`
    /// does, without building an array of frames first.
    public func send(_ first: [UInt8], _ second: [UInt8]) throws(ZMQError) {
        var rc = first.withUnsafeBytes { zmq_send(h, $0.baseAddress, $0.count, ZMQ_DONTWAIT | ZMQ_SNDMORE) }
        guard rc >= 0 else { throw ZMQError("zmq_send") }
        rc = second.withUnsafeBytes { zmq_send(h, $0.baseAddress, $0.count, ZMQ_DONTWAIT) }
        guard rc >= 0 else { throw ZMQError("zmq_send") }
    }

    /// `send(_:_:)` with the routing id given in place (the simulator makes it on the stack
    /// from the connection's number, so a node keeps no array a connection).
    public func send(routingID: UnsafeRawBufferPointer, _ body: [UInt8]) throws(ZMQError) {
        var rc = zmq_send(h, routingID.baseAddress, routingID.count, ZMQ_DONTWAIT | ZMQ_SNDMORE)
        guard rc >= 0 else { throw ZMQError("zmq_send") }
        rc = body.withUnsafeBytes { zmq_send(h, $0.baseAddress, $0.count, ZMQ_DONTWAIT) }
        guard rc >= 0 else { throw ZMQError("zmq_send") }
    }

    /// Receives one multipart message, or nil if none is waiting (`wait: false`).
    public func receive(wait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var msg = zmq_msg_t()
            guard zmq_msg_init(&msg) == 0 else { throw ZMQError("zmq_msg_init") }
            defer { zmq_msg_close(&msg) }
            let rc = zmq_msg_recv(&msg, h, wait || !frames.isEmpty ? 0 : ZMQ_DONTWAIT)
            if rc < 0 {
                let e = ZMQError("zmq_msg_recv")
                if e.isAgain && frames.isEmpty { return nil }
                throw e
            }
            let size = zmq_msg_size(&msg)
            if size > 0, let data = zmq_msg_data(&msg) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&msg) == 0 { return frames }
        }
    }

    /// One message as a ROUTER reads it: the sender's routing id, as `decode` read it from
    /// the frame in place; the body; the `User-Id` its connection was authenticated with
    /// (CURVE through `ZAPHandler`); and how many frames it had (a well-formed one has two).
    public struct Routed<ID> {
        public var sender: ID?
        public var body: [UInt8]
        public var userId: String?
        public var frames: Int
    }

    /// Receives one message of a routing-id frame and a body, or nil if none is waiting. The
    /// routing id is read in place and the body copied once (a list of frames would cost
    /// an array for each frame and one for the list); frames after the body are counted,
    /// not kept. Both the simulator's inboxes and the standalone hosts' read this way.
    /// - Parameter userID: whether to read the `User-Id` (a look-up in each frame's metadata);
    ///   false where no connection is authenticated (the simulator off CURVE): it stays nil.
    public func receiveRouted<ID>(userID: Bool = true, _ decode: (UnsafeRawBufferPointer) -> ID?) throws(ZMQError) -> Routed<ID>? {
        var routed = Routed<ID>(sender: nil, body: [], userId: nil, frames: 0)
        // One message structure for every frame: each receive releases what the one before put in it.
        var msg = zmq_msg_t()
        guard zmq_msg_init(&msg) == 0 else { throw ZMQError("zmq_msg_init") }
        defer { zmq_msg_close(&msg) }
        while true {
            let rc = zmq_msg_recv(&msg, h, routed.frames == 0 ? ZMQ_DONTWAIT : 0)
            if rc < 0 {
                let e = ZMQError("zmq_msg_recv")
                if e.isAgain && routed.frames == 0 { return nil }
                throw e
            }
            // The routing-id frame a ROUTER adds carries no metadata: read it from the frames after it.
            if userID, routed.userId == nil, let p = zmq_msg_gets(&msg, "User-Id") { routed.userId = String(cString: p) }
            let bytes = UnsafeRawBufferPointer(start: zmq_msg_data(&msg), count: zmq_msg_size(&msg))
            switch routed.frames {
            case 0: routed.sender = decode(bytes)
            case 1: routed.body = bytes.isEmpty ? [] : Array(bytes)
            default: break
            }
            routed.frames += 1
            if zmq_msg_more(&msg) == 0 { return routed }
        }
    }

    /// Starts libzmq's monitor on this socket for `events` and returns the PAIR socket its
    /// events arrive on: [event (u16) and value (u32), native order] then the endpoint.
    /// - Parameter unbounded: no high-water mark on the PAIR, so no event is ever dropped
    ///   (libzmq drops what meets a full queue); for a reader that must see every one.
    public func monitor(events: Int32, unbounded: Bool = false) throws(ZMQError) -> ZMQSocket {
        let address = Self.monitorLock.withLock {
            Self.monitors += 1
            return "inproc://confchat-monitor-\(getpid())-\(Self.monitors)"
        }
        guard zmq_socket_monitor(h, address, events) == 0 else { throw ZMQError("zmq_socket_monitor") }
        let pair = try ZMQSocket(context: context, type: ZMQ_PAIR)
        if unbounded { try pair.set(ZMQ_RCVHWM, int: 0) }
        try pair.connect(address)
        return pair
    }

    nonisolated(unsafe) private static var monitors = 0
    private static let monitorLock = NSLock()

    /// Makes this socket a CURVE server with the given secret key (a key pair's 32-byte secret half).
    public func curveServer(secretKey: [UInt8]) throws(ZMQError) {
        try set(ZMQ_CURVE_SERVER, int: 1)
        try set(ZMQ_CURVE_SECRETKEY, bytes: secretKey)
        try set(ZMQ_ZAP_DOMAIN, bytes: Array("confchat".utf8))
    }

    /// Gives this socket a CURVE client identity; each connect then names the server's key.
    public func curveClient(publicKey: [UInt8], secretKey: [UInt8]) throws(ZMQError) {
        try set(ZMQ_CURVE_PUBLICKEY, bytes: publicKey)
        try set(ZMQ_CURVE_SECRETKEY, bytes: secretKey)
    }

    /// Waits up to `timeoutMs` for input. Used on one socket at a time, never over all peers.
    public func waitReadable(timeoutMs: Int) throws(ZMQError) -> Bool {
        var item = zmq_pollitem_t(socket: h, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let rc = zmq_poll(&item, 1, timeoutMs)
        guard rc >= 0 else { throw ZMQError("zmq_poll") }
        return rc > 0
    }
}
