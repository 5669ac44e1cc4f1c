import Foundation

/// The process's table of open files, grown once, before the simulator starts any thread, to
/// what a simulation of a hundred nodes or so opens: two libzmq sockets a node (an eventfd
/// each), its database and the run's log.
///
/// Why: Linux grows a process's file table by doubling (64, 128, 256, 512 slots, ...) when a
/// descriptor past its end is opened, and in a process of more than one thread each growth
/// waits for an RCU grace period (`expand_files`, `synchronize_rcu`). The simulator's thread
/// slept 9-15 ms there in every run of the 10,000-statement scenario, at a socket's eventfd
/// mid-run (`perf sched`; docs/performance.md, "What was changed for speed", 85). Grown while
/// the process has one thread, the table grows without waiting, and it never shrinks: later
/// simulations of the process find it grown. A larger simulation grows it further, as
/// before. Nothing a node sees depends on it.
enum FileTable {
    /// Slots for descriptors 0-1023, or up to the soft `RLIMIT_NOFILE`, if lower.
    static let reserved = 1024

    /// Opens a descriptor at the last slot to reserve (which grows the table) and closes it.
    static func reserve() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let last = Int32(min(UInt64(reserved), UInt64(limit.rlim_cur))) - 1
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { return }
        defer { close(null) }
        // The lowest free descriptor at or above `last`: at it, unless it is open (then the
        // table is that large already).
        if last > null {
            let high = fcntl(null, F_DUPFD_CLOEXEC, last)
            if high >= 0 { close(high) }
        }
    }
}
