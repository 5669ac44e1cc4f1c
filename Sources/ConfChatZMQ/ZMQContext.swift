import CZMQ
import Foundation

/// The libzmq contexts of a process: one for every socket (`shared()`), and one for the
/// simulator's networks on inproc (`shared(inprocOnly: true)`).
///
/// `ZMQ_MAX_SOCKETS` is raised before the first socket: the default of 1023 ends a
/// simulation of a few hundred peers (two sockets each) with EMFILE-like errors.
/// Sockets keep their context alive, so `zmq_ctx_term` never runs under an open socket.
///
/// The inproc context has no I/O thread (inproc needs none), and libzmq's one thread left in
/// it, the reaper, which frees the sockets `zmq_close` hands it, runs as `SCHED_BATCH`: the
/// same share of the processor as any thread, but a batch thread is not to preempt the
/// thread that woke it (Linux 6.18 still let it at times: fewer and shorter waits, not
/// none). Every socket closed wakes the reaper (a crash in the simulator closes two, and each
/// connection to them ends with one more wake), and on a busy core the reaper used to take
/// the core from the simulator's thread, which then waited behind every other runnable
/// thread for its turn: 1,379 such waits in the 10,000-statement scenario, 733 ms of its
/// 2.6 s at a load average of 6, where the reaper itself ran 31 ms (docs/performance.md,
/// "What was changed for speed", 84). Not the I/O threads of tcp and ipc: a message waits
/// for them, and as `SCHED_BATCH` they waited for the next tick on a busy core (a p99 of
/// 4 ms at light load over tcp).
public final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    /// `SCHED_BATCH` (Linux's `<sched.h>`, which Swift's Glibc does not export).
    private static let batchPolicy: Int32 = 3
    /// The inproc context's threads' names start with this number: its reaper is
    /// `1/ZMQbg/Reaper`, told from the other context's.
    public static let inprocThreadPrefix: Int32 = 1

    /// - Parameter inprocOnly: no I/O thread, and the reaper as `SCHED_BATCH`; a socket of
    ///   this context can bind and connect only inproc endpoints.
    public init(maxSockets: Int32 = 65_536, inprocOnly: Bool = false) throws(ZMQError) {
        guard let h = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        handle = h
        guard zmq_ctx_set(h, ZMQ_MAX_SOCKETS, maxSockets) == 0 else { throw ZMQError("zmq_ctx_set(ZMQ_MAX_SOCKETS)") }
        guard inprocOnly else { return }
        // Read when the threads start, with the first socket.
        guard zmq_ctx_set(h, ZMQ_IO_THREADS, 0) == 0 else { throw ZMQError("zmq_ctx_set(ZMQ_IO_THREADS)") }
        guard zmq_ctx_set(h, ZMQ_THREAD_SCHED_POLICY, Self.batchPolicy) == 0 else { throw ZMQError("zmq_ctx_set(ZMQ_THREAD_SCHED_POLICY)") }
        guard zmq_ctx_set(h, ZMQ_THREAD_NAME_PREFIX, Self.inprocThreadPrefix) == 0 else { throw ZMQError("zmq_ctx_set(ZMQ_THREAD_NAME_PREFIX)") }
    }

    nonisolated(unsafe) private static var sharedContexts: [Bool: ZMQContext] = [:]
    private static let sharedLock = NSLock()

    /// The process's context of each kind, made on first use: the simulator's sockets and a
    /// standalone host's all come from the first (the simulator's from the second on
    /// inproc), so `ZMQ_MAX_SOCKETS` is set once for the process.
    public static func shared(inprocOnly: Bool = false) throws(ZMQError) -> ZMQContext {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let c = sharedContexts[inprocOnly] { return c }
        let c = try ZMQContext(inprocOnly: inprocOnly)
        sharedContexts[inprocOnly] = c
        return c
    }

    deinit {
        // Every socket holds a reference to us and is closed with linger 0, so this cannot hang.
        _ = zmq_ctx_term(handle)
    }
}
