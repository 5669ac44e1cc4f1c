import ConfChatStandalone
import Foundation

/// Several peers of `confchat bench --hosts` in one process (`confchat bench-peers`), one
/// thread each: each is still a node of its own, with its own data directory, endpoint and
/// sockets, so a host of the bench carries hundreds of them without hundreds of processes.
///
/// The runner and the groups meet through files in the bench's folder: each group writes
/// `ready-HOST` when all its peers are friends with their neighbours, the runner writes `go`
/// when every group is ready; each group writes `done-HOST` when all its peers hold what
/// they were sent, the runner writes `stop` when every group is done, and each group answers
/// with `result-HOST.json`, its peers' outcomes.
public enum RingPeerGroup {
    /// The most peers one group runs (one thread each).
    public static let maxPeers = 1000

    /// - Parameter signIns: how many of the group's peers may register or log in at once.
    public static func run(host: Int, indices: [Int], total: Int, messages: Int, intervalMs: Int,
                           registry: String, registryKeyFile: String, bindAddress: String, folder: String, signIns: Int) throws {
        guard indices.count <= maxPeers else { throw ProcessWorldError("at most \(maxPeers) peers a group (got \(indices.count))") }
        let key = try StartupCheck.registryKey(at: registryKeyFile).get()
        let signingIn = DispatchSemaphore(value: max(1, signIns))
        let tally = Tally(count: indices.count, folder: folder, host: host)
        for index in indices {
            tally.done.enter()
            let plan = RingPeer.Plan(index: index, total: total, messages: messages, intervalMs: intervalMs, registry: registry,
                                     registryKey: key, bindAddress: bindAddress, folder: folder)
            let thread = Thread {
                let outcome = RingPeer(plan: plan, signIns: signingIn).live(
                    ready: { tally.count(\.ready, file: "ready") },
                    go: { FileManager.default.fileExists(atPath: tally.path("go")) },
                    finished: { tally.count(\.finished, file: "done") },
                    stop: { FileManager.default.fileExists(atPath: tally.path("stop")) })
                tally.add(outcome)
            }
            thread.stackSize = 1 << 20
            thread.start()
            usleep(25_000)  // a few hundred peers do not all ask the registry to check a password at once
        }
        tally.done.wait()
        let data = try JSONEncoder().encode(tally.outcomes.sorted { $0.name < $1.name })
        let result = tally.path("result-\(host).json")
        try data.write(to: URL(fileURLWithPath: result + ".part"))
        try FileManager.default.moveItem(atPath: result + ".part", toPath: result)
    }

    /// What the group's threads share: how many are ready and finished (the last one writes
    /// the group's file) and their outcomes.
    private final class Tally: @unchecked Sendable {
        let done = DispatchGroup()
        private let lock = NSLock()
        private let total: Int, folder: String, host: Int
        private var counts: Counts = Counts()
        private(set) var outcomes: [RingPeer.Outcome] = []

        struct Counts { var ready = 0, finished = 0 }

        init(count: Int, folder: String, host: Int) {
            (total, self.folder, self.host) = (count, folder, host)
        }

        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

        /// Counts one peer; the last of the group writes `FILE-HOST`.
        func count(_ which: WritableKeyPath<Counts, Int>, file: String) {
            let last = lock.withLock { counts[keyPath: which] += 1; return counts[keyPath: which] == total }
            // The runner waits for this file and says which host's file never came.
            if last, !FileManager.default.createFile(atPath: path("\(file)-\(host)"), contents: nil) {
                FileHandle.standardError.write(Data("cannot create \(path("\(file)-\(host)"))\n".utf8))
            }
        }

        func add(_ outcome: RingPeer.Outcome) {
            lock.withLock { outcomes.append(outcome) }
            done.leave()
        }
    }
}
