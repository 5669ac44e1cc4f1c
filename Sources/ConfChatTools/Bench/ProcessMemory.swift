import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(CMalloc)
import CMalloc
#endif

/// The process's memory and file limits, as the kernel reports them.
///
/// Linux only in its precise form (`/proc/self/status`); elsewhere `getrusage` gives the peak
/// and the current size reads as 0.
public enum ProcessMemory {
    /// Resident set size now, in bytes (`VmRSS`).
    public static func residentBytes() -> Int { statusField("VmRSS:") ?? 0 }

    /// Peak resident set size of the process so far, in bytes (`VmHWM`, else `ru_maxrss`).
    public static func peakResidentBytes() -> Int {
        if let hwm = statusField("VmHWM:") { return hwm }
        var usage = rusage()
        #if os(Linux)
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss
        #endif
    }

    /// Bytes of the heap in use now, every malloc arena (glibc's `mallinfo2`: chunks handed
    /// out, their headers included, and blocks mapped on their own), or nil where unknown.
    ///
    /// Unlike `residentBytes()`, this counts what was allocated, the same way in every run:
    /// resident pages also count how far each allocation was written (libzmq allocates 16 KiB
    /// a pipe and touches a page of it a few dozen messages) and which freed pages an earlier
    /// phase left resident for the next to reuse.
    public static func heapInUseBytes() -> Int? {
        #if canImport(CMalloc)
        return cmalloc_heap_in_use()
        #else
        return nil
        #endif
    }

    /// Hands memory freed by an earlier phase back to the kernel, so that the next phase's
    /// growth in `residentBytes()` is its own (glibc keeps freed blocks otherwise).
    public static func trim() {
        #if canImport(CMalloc)
        _ = cmalloc_trim()
        #endif
    }

    /// Raises the soft limit on open files to the hard limit and returns it. Every libzmq
    /// socket holds one file descriptor (the eventfd of its mailbox), and tcp and ipc
    /// connections two more, so a large network runs out long before `ZMQ_MAX_SOCKETS`.
    @discardableResult
    public static func raiseFileLimit() -> Int {
        #if os(Linux)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(resource, &limit)
            _ = getrlimit(resource, &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// File descriptors open now (entries of `/proc/self/fd`), or 0 where unknown.
    public static func openFiles() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
