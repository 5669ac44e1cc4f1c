import ConfChatZMQ
import CZMQ
import Foundation

/// Watches a standalone node's outgoing sockets (its outbox, and a peer's line to the
/// registry) for CURVE handshakes that fail, through libzmq's socket monitor.
///
/// A peer that holds the wrong key for the registry (a `registry.pub` of another registry)
/// connects at the tcp level, and then every handshake fails: the registry cannot open the
/// client's HELLO, drops the connection, and libzmq retries for ever. Without this the peer
/// could only report that the registry "did not answer"; with it, it can say why, as far as
/// the monitor tells (`HandshakeFailure`: a cut connection looks the same as a wrong key,
/// unless a handshake with that endpoint already succeeded).
final class HandshakeMonitor {
    /// One monitor socket a watched socket.
    private var sockets: [ZMQSocket] = []
    /// Endpoints whose last handshake failed, and how, until one succeeds.
    private(set) var failing: [String: HandshakeFailure] = [:]
    /// Endpoints a handshake has succeeded with, in this run.
    private var succeeded: Set<String> = []
    /// Called the first time a handshake with an endpoint fails (again after a success).
    var onFailure: ((String, HandshakeFailure) -> Void)?

    init(watching targets: [ZMQSocket]) throws {
        let events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
            | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
        sockets = try targets.map { try $0.monitor(events: events) }
    }

    var rawHandles: [UnsafeMutableRawPointer] { sockets.map(\.rawHandle) }

    /// Reads the events waiting: [event (u16 LE), value (u32 LE)] then the endpoint.
    func drain() throws {
        for socket in sockets { try drain(socket) }
    }

    private func drain(_ socket: ZMQSocket) throws {
        while let frames = try socket.receive(), frames.count >= 2, frames[0].count >= 6 {
            let event = Int32(frames[0][0]) | Int32(frames[0][1]) << 8
            let value = frames[0][2...5].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let endpoint = String(decoding: frames[1], as: UTF8.self)
            if event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED {
                failing[endpoint] = nil
                succeeded.insert(endpoint)
            } else if let failure = HandshakeFailure(event: event, value: value, succeededBefore: succeeded.contains(endpoint)) {
                let first = failing[endpoint] == nil
                failing[endpoint] = failure
                if first { onFailure?(endpoint, failure) }
            }
        }
    }

    func close() { sockets.forEach { $0.close() } }
}
