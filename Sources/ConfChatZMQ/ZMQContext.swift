import CZMQ
import Foundation

/// The one libzmq context of a process.
///
/// `ZMQ_MAX_SOCKETS` is raised before the first socket: the default of 1023 ends a
/// simulation of a few hundred peers (two sockets each) with EMFILE-like errors.
/// Sockets keep their context alive, so `zmq_ctx_term` never runs under an open socket.
///
/// libzmq's own threads (its reaper, which frees the sockets `zmq_close` hands it, and its
/// I/O threads) run as `SCHED_BATCH`: the same share of the processor as any thread, but a
/// thread that wakes one is not preempted by it. Every socket closed wakes the reaper (a
/// crash in the simulator closes two, and each connection to them ends with one more wake),
/// and on a busy core the reaper used to take the core from the thread that woke it, which
/// then waited behind every other runnable thread for its turn: 1,369 such waits in the
/// 10,000-statement scenario, 617 ms of its 2.6 s at a load average of 6, where the reaper
/// itself ran 31 ms (docs/performance.md, "What was changed for speed", 84).
public final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    /// `SCHED_BATCH` (Linux's `<sched.h>`, which Swift's Glibc does not export).
    private static let batchPolicy: Int32 = 3

    public init(maxSockets: Int32 = 65_536) throws(ZMQError) {
        guard let h = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        handle = h
        guard zmq_ctx_set(h, ZMQ_MAX_SOCKETS, maxSockets) == 0 else { throw ZMQError("zmq_ctx_set(ZMQ_MAX_SOCKETS)") }
        // Read when the threads start, with the first socket.
        guard zmq_ctx_set(h, ZMQ_THREAD_SCHED_POLICY, Self.batchPolicy) == 0 else { throw ZMQError("zmq_ctx_set(ZMQ_THREAD_SCHED_POLICY)") }
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
