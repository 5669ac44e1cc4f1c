import Foundation

/// The run log's checkpoint on a thread of its own: it applies each node's records, flushed
/// to the log's file by the simulator's thread, to the node's own database, while the
/// simulator goes on with the run (docs/architecture.md, "Storage").
///
/// The file is the hand-over: `RunLog` posts a stretch of it once written (a `Job`), and the
/// thread reads it back, groups its records by node and applies each node's in one
/// transaction, in the order they were written. Jobs are taken in the order posted; a job
/// posted while the one before it still waits is merged into it (one transaction a node for
/// both), so a thread that falls behind catches up in fewer, larger transactions. Whoever
/// must read a database (a restart, a wipe, the end of the run) first waits until every
/// record written before it is applied (`wait(through:)`).
///
/// Positions count bytes from the start of the run, across the log's files, so that a
/// rotated file's records and the next file's are ordered the same way.
///
/// Unchecked: every mutable field is used under `condition` only. The replays (each a
/// node's store) are called on this thread while a job holding that node's records is
/// applied, and by the simulator's thread only after `wait(through:)` has seen that node's
/// last record applied (`RunLog.checkpoint(node:)`): a node that is loading or being wiped
/// writes nothing more meanwhile, so no later job holds its records, and never do both
/// threads use one store at once.
final class LogApplier: @unchecked Sendable {
    /// Applies records of one node, in order, in one transaction.
    typealias Replay = ([ArraySlice<UInt8>]) throws -> Void

    /// A stretch of one file of the log, every record in it whole.
    struct Job {
        let file: LogFile
        let range: Range<Int>
        /// The position of the file's first byte in the run.
        let start: Int
        /// Set for the last stretch of a rotated file: where to delete it once applied.
        let retire: String?
        var end: Int { start + range.upperBound }
    }

    private let condition = NSCondition()
    private var replays: [Replay] = []
    private var jobs: [Job] = []
    /// Every record that ends at or before this position is in its database.
    private var applied = 0
    private var failure: RunLogError?
    private var stopped = false
    /// Whether the thread has ended.
    private var exited = false

    init() {
        let thread = Thread { [self] in serve() }
        thread.name = "confchat-checkpoint"
        thread.start()
    }

    /// Adds a node; its records carry the number returned.
    func register(_ replay: @escaping Replay) -> Int {
        condition.withLock {
            replays.append(replay)
            return replays.count - 1
        }
    }

    /// Hands over a stretch of a file for the thread to apply.
    func post(_ job: Job) {
        condition.withLock {
            if let last = jobs.last, last.file === job.file, last.range.upperBound == job.range.lowerBound, last.retire == nil {
                jobs[jobs.count - 1] = Job(file: last.file, range: last.range.lowerBound..<job.range.upperBound, start: last.start,
                                           retire: job.retire)
            } else {
                jobs.append(job)
            }
            condition.broadcast()
        }
    }

    /// Returns once every record ending at or before `position` is in its database; throws
    /// if applying any record failed (the run cannot promise its data directories then).
    func wait(through position: Int) throws(RunLogError) {
        condition.lock()
        while applied < position && failure == nil { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Ends the thread once the jobs posted are applied, and waits for it. The replays are
    /// let go of here, on the caller's thread, so that the stores they hold close their
    /// databases before this returns (another program may open them right after the run).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !exited { condition.wait() }
        let replays = self.replays
        self.replays = []
        condition.unlock()
        _ = consume replays
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            guard !jobs.isEmpty else {
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            let replays = self.replays
            condition.unlock()
            var failed: RunLogError?
            do { try apply(job, replays) } catch { failed = error }
            if let retire = job.retire { unlink(retire) }
            condition.withLock {
                if let failed, failure == nil { failure = failed }
                applied = job.end
                condition.broadcast()
            }
        }
    }

    /// Reads the job's stretch, and applies each node's records in it as one transaction.
    private func apply(_ job: Job, _ replays: [Replay]) throws(RunLogError) {
        let bytes = try job.file.read(job.range)
        var d = LogDecoder(bytes)
        var order: [Int] = []
        var records: [Int: [ArraySlice<UInt8>]] = [:]
        while !d.isAtEnd {
            let node = Int(try d.u32())
            guard node < replays.count else { throw .corrupt("a record of node \(node), of \(replays.count)") }
            let payload = try d.slice()
            if records[node] == nil { order.append(node) }
            records[node, default: []].append(payload)
        }
        for node in order {
            do { try replays[node](records[node]!) } catch let error as RunLogError { throw error } catch {
                throw .io(job.file.path, reason: "applying node \(node)'s records to its database: \(error)")
            }
        }
    }
}
