#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time for the benchmark, in nanoseconds since an arbitrary start.
///
/// Only the bench layer reads it: the machines and the simulator run on simulated time, so
/// measuring them never changes what they do. `CLOCK_MONOTONIC` is a vDSO call (about 20 ns),
/// cheap enough to stamp every message.
public enum BenchClock {
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Seconds elapsed since `start` (a value of `nanoseconds()`).
    public static func seconds(since start: UInt64) -> Double {
        Double(nanoseconds() &- start) / 1e9
    }

    /// CPU time this thread has used so far, in nanoseconds: what the simulator's own thread
    /// spent on a message, where the wall clock also counts the time other work held the
    /// core. Not a vDSO call on Linux (a system call, well under a microsecond), so the bench
    /// reads it only under light load, outside the wall-clock window it measures.
    public static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// CPU time the process has used so far, user and system, every thread: on a machine
    /// shared with other work, what a phase cost when wall time says only how long it waited.
    public static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
