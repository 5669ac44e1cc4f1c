import ConfChatCore
import ConfChatSimulator
import Foundation
import Testing

/// libzmq's own threads run as `SCHED_BATCH` (`ZMQContext`): a thread that wakes one, as the
/// simulator's does at every crash (the reaper) and every message over tcp (an I/O thread),
/// keeps its core instead of being preempted by it.
@Suite struct ZMQThreadPolicyTests {
    /// The scheduling policy of each of this process's threads whose name starts with
    /// `prefix`: field 41 of `/proc/self/task/<tid>/stat`, counted after the name in
    /// parentheses (which may hold spaces).
    static func policies(ofThreadsNamed prefix: String) throws -> [Int] {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        return tasks.compactMap { tid -> Int? in
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
                  stat[stat.index(after: open)..<close].hasPrefix(prefix) else { return nil }
            // Fields 3 on, after the name: the policy is the 41st field, the 39th of these.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 38 ? Int(fields[38]) : nil
        }
    }

    @Test("the I/O thread a message over tcp passed runs as SCHED_BATCH")
    func ioThreadRunsBatch() throws {
        let sim = try Simulator.twoFriends(SimOptions(transport: .tcp))
        #expect(try sim.command("alice", .send(to: "bob", text: "through the I/O thread")) == nil)
        #expect(try sim.received("bob", from: "alice") == ["through the I/O thread"])
        let io = try Self.policies(ofThreadsNamed: "ZMQbg/IO")
        #expect(!io.isEmpty)
        #expect(io.allSatisfy { $0 == 3 }, "SCHED_BATCH is 3 in Linux's <sched.h>")
    }
}
