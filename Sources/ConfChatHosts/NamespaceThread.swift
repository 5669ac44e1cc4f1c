import CNetNamespace
import Foundation

/// A thread of this process that lives in one host's network namespace, for the sockets the
/// runner opens there (the runner's proxy listens and connects inside the hosts).
///
/// A socket belongs to the namespace of the thread that made it, for its whole life:
/// binding, connecting and accepting on it happen in that namespace whatever thread does
/// them later. A network namespace is a per-thread attribute on Linux, so one thread can
/// enter a host's (setns) while the rest of the process, which starts the hosts' processes
/// and reads their ipc control channels, stays in the machine's own. The thread enters once
/// and then makes sockets on request.
final class NamespaceThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread and enters `namespace` (a name of `ip netns`, bound at
    /// /run/netns/NAME); throws, the thread gone, when it cannot.
    init(namespace: String) throws {
        let entered = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: String?
        let thread = Thread { [self] in
            let fd = open("/run/netns/\(namespace)", O_RDONLY | O_CLOEXEC)
            if fd < 0 || cnetnamespace_enter(fd) != 0 {
                failure = "cannot enter the network namespace \(namespace): \(String(cString: strerror(errno)))"
            }
            if fd >= 0 { close(fd) }
            entered.signal()
            if failure == nil { serve() }
            finished.signal()
        }
        thread.name = "netns-\(namespace)"
        thread.start()
        entered.wait()
        if let failure { throw HostNetworkError(failure) }
    }

    deinit { stop() }

    /// Runs `body` on the thread, in the namespace, and returns what it returned; nil, not
    /// run, once the thread is stopped (the hosts are being torn down).
    func run<T>(_ body: @escaping () -> T) -> T? {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: T?
        let queued = condition.withLock {
            guard !stopping else { return false }
            jobs.append {
                result = body()
                done.signal()
            }
            condition.signal()
            return true
        }
        guard queued else { return nil }
        done.wait()
        return result
    }

    /// Ends the thread (after the jobs asked for) and waits for it. Safe to call more than once.
    func stop() {
        let first = condition.withLock {
            defer { stopping = true; condition.signal() }
            return !stopping
        }
        if first { finished.wait() }
    }

    private func serve() {
        while true {
            let next: [() -> Void]? = condition.withLock {
                while jobs.isEmpty && !stopping { condition.wait() }
                if jobs.isEmpty { return nil }
                defer { jobs = [] }
                return jobs
            }
            guard let next else { return }
            next.forEach { $0() }
        }
    }
}
