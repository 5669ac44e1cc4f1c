import ConfChatCore
import ConfChatSimulator
import Foundation
import Testing

/// An inproc simulation's libzmq context (`ZMQContext.shared(inprocOnly:)`) has no I/O
/// thread, and its reaper runs as `SCHED_BATCH`, so the simulator's thread that wakes it at
/// every crash keeps its core; the I/O threads a tcp message waits for stay as they are.
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

    /// `SCHED_BATCH` in Linux's `<sched.h>`.
    static let batch = 3

    @Test("an inproc simulation's reaper, woken at a crash, runs as SCHED_BATCH, and its context has no I/O thread")
    func inprocReaperRunsBatch() throws {
        let sim = try Simulator.twoFriends(SimOptions(transport: .inproc))
        try sim.crash("bob")
        try sim.restart("bob")
        // "1/": `ZMQContext.inprocThreadPrefix`, the inproc context's threads' names.
        let reaper = try Self.policies(ofThreadsNamed: "1/ZMQbg/Reaper")
        #expect(reaper == [Self.batch])
        #expect(try Self.policies(ofThreadsNamed: "1/ZMQbg/IO").isEmpty)
    }

    @Test("the I/O thread a message over tcp passed is not SCHED_BATCH: a message waits for it")
    func tcpIOThreadIsNotBatch() throws {
        let sim = try Simulator.twoFriends(SimOptions(transport: .tcp))
        #expect(try sim.command("alice", .send(to: "bob", text: "through the I/O thread")) == nil)
        #expect(try sim.received("bob", from: "alice") == ["through the I/O thread"])
        let io = try Self.policies(ofThreadsNamed: "ZMQbg/IO")
        #expect(!io.isEmpty)
        #expect(!io.contains(Self.batch))
    }
}
