import CZMQ
import Foundation

/// The process's ZeroMQ authentication handler (ZAP, RFC 27), on a thread of its own.
///
/// CURVE already proves that a client holds the secret key of the public key it presents;
/// this handler accepts every such client and names it by that key (`User-Id` = the key in
/// hex), so each received message says which key sent it. Nodes then map keys to users:
/// the sender of a message is the authenticated key, never a field in the message.
/// It must run on its own thread: libzmq's I/O threads wait for its answer during a
/// handshake, while the node's own thread may be blocked in a poll.
package enum ZAPHandler {
    nonisolated(unsafe) private static var started = false
    private static let lock = NSLock()
    /// Told of every handshake the handler answers: the client's address, its key (hex, empty
    /// when it has none) and whether it was let in. A server log names its connections with
    /// it; called on the handler's thread.
    nonisolated(unsafe) private static var observer: (@Sendable (String, String, Bool) -> Void)?

    /// Sets who is told of each handshake (one observer a process: the standalone registry's log).
    package static func observe(_ observer: @escaping @Sendable (_ address: String, _ keyHex: String, _ accepted: Bool) -> Void) {
        lock.withLock { Self.observer = observer }
    }

    package static func start(context: ZMQContext) throws {
        try lock.withLock {
            guard !started else { return }
            let socket = try ZMQSocket(context: context, type: ZMQ_REP)
            try socket.bind("inproc://zeromq.zap.01")
            started = true
            let box = SocketBox(socket: socket)
            let thread = Thread { serve(box.socket) }
            thread.name = "confchat-zap"
            thread.start()
        }
    }

    private final class SocketBox: @unchecked Sendable {
        let socket: ZMQSocket
        init(socket: ZMQSocket) { self.socket = socket }
    }

    private static func serve(_ socket: ZMQSocket) {
        while true {
            guard let request = try? socket.receive(wait: true) else { continue }
            // version, request id, domain, address, routing id, mechanism, credentials...
            guard request.count >= 6 else {
                try? socket.send([Array("1.0".utf8), [], Array("400".utf8), Array("malformed".utf8), [], []])
                continue
            }
            let mechanism = String(decoding: request[5], as: UTF8.self)
            var userId: [UInt8] = []
            if mechanism == "CURVE", request.count >= 7, request[6].count == 32 {
                userId = Array(request[6].map { String(format: "%02x", $0) }.joined().utf8)
            }
            let ok = mechanism != "CURVE" || !userId.isEmpty
            if let observer = lock.withLock({ Self.observer }) {
                observer(String(decoding: request[3], as: UTF8.self), String(decoding: userId, as: UTF8.self), ok)
            }
            try? socket.send([request[0], request[1], Array((ok ? "200" : "400").utf8), Array((ok ? "OK" : "bad key").utf8), userId, []])
        }
    }
}
