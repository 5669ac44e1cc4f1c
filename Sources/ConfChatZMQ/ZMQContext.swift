import CZMQ
import Foundation

/// The one libzmq context of a process.
///
/// `ZMQ_MAX_SOCKETS` is raised before the first socket: the default of 1023 ends a
/// simulation of a few hundred peers (two sockets each) with EMFILE-like errors.
/// Sockets keep their context alive, so `zmq_ctx_term` never runs under an open socket.
public final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    public init(maxSockets: Int32 = 65_536) throws(ZMQError) {
        guard let h = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        handle = h
        guard zmq_ctx_set(h, ZMQ_MAX_SOCKETS, maxSockets) == 0 else { throw ZMQError("zmq_ctx_set(ZMQ_MAX_SOCKETS)") }
    }

    nonisolated(unsafe) private static var sharedContext: ZMQContext?
    private static let sharedLock = NSLock()

    /// The process's one context, made on first use: the simulator's sockets and a standalone
    /// host's all come from it, so `ZMQ_MAX_SOCKETS` is set once for the process.
    public static func shared() throws(ZMQError) -> ZMQContext {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let c = sharedContext { return c }
        let c = try ZMQContext()
        sharedContext = c
        return c
    }

    deinit {
        // Every socket holds a reference to us and is closed with linger 0, so this cannot hang.
        _ = zmq_ctx_term(handle)
    }
}
