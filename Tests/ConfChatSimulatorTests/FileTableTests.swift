import ConfChatSimulator
import Foundation
import Testing

/// A simulator grows the process's file table before it starts a thread (`FileTable`), so
/// that no growth during a run waits for an RCU grace period.
@Suite struct FileTableTests {
    /// The slots of the process's file table (`FDSize` in `/proc/self/status`).
    static func fileTableSlots() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("FDSize:") }
        return Int(line?.dropFirst("FDSize:".count).trimmingCharacters(in: .whitespaces) ?? "") ?? 0
    }

    @Test("once a simulator is made, the file table holds 1,024 descriptors, or as many as the limit allows")
    func tableGrownBeforeTheRun() throws {
        var limit = rlimit()
        #expect(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0)
        _ = try Simulator(options: SimOptions(transport: .inproc))
        #expect(try Self.fileTableSlots() >= min(1024, Int(limit.rlim_cur)))
    }
}
