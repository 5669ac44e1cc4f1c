import ConfChatCore
import Foundation

/// Runs the standalone registry's password checks (Argon2id, about 100 ms each) on a thread of
/// its own, so a flood of LOGINs never stalls the loop that answers everyone else.
///
/// The machine bounds how many checks wait (`RegistryLimits.passwordChecks`); the worker
/// takes them in order and, as each finishes, writes a byte to a pipe that the registry's
/// poll watches, so the loop wakes and feeds the outcome back to the machine as an input.
final class PasswordWorker: @unchecked Sendable {
    private var hasher: any PasswordHasher
    private let condition = NSCondition()
    private var waiting: [PasswordCheck] = []
    private var finished: [(id: UInt64, outcome: PasswordCheck.Outcome)] = []
    private var stopped = false
    private let readEnd: Int32
    private let writeEnd: Int32

    /// Readable when outcomes wait in `outcomes()`.
    var fd: Int32 { readEnd }

    /// `hasher` is used by the worker thread alone from here on.
    init(hasher: any PasswordHasher) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        readEnd = fds[0]
        writeEnd = fds[1]
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        self.hasher = hasher
        let thread = Thread { [self] in serve() }
        thread.name = "confchat-passwords"
        thread.start()
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func submit(_ check: PasswordCheck) {
        condition.withLock {
            waiting.append(check)
            condition.signal()
        }
    }

    /// The checks finished since the last call, in the order they were submitted.
    func outcomes() -> [(id: UInt64, outcome: PasswordCheck.Outcome)] {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &sink, sink.count) > 0 {}
        return condition.withLock {
            defer { finished.removeAll() }
            return finished
        }
    }

    /// Ends the thread after the check it is running, if any.
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func serve() {
        while true {
            condition.lock()
            while waiting.isEmpty && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            let check = waiting.removeFirst()
            condition.unlock()
            let outcome = check.run(&hasher)
            condition.withLock { finished.append((check.id, outcome)) }
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }
    }
}
