import Foundation

/// The run log's checkpoint on a thread of its own: it applies each node's records, flushed
/// to the log's file by the simulator's thread, to the node's own database, while the
/// simulator goes on with the run (docs/architecture.md, "Storage").
///
/// The file is the hand-over: `RunLog` posts a stretch of it once written (a `Job`), and the
/// thread reads it back and groups its records by node. A node's records are *held* across
/// hand-overs and applied together, in the order they were written, in one transaction,
/// once the node has `recordsPerTransaction` of them: a transaction (its WAL frames, its
/// commit) costs about as much as a dozen rows, and a stretch of 256 KiB holds a record or
/// two of most nodes of a big run, so a transaction a node a hand-over cost more than the
/// rows (docs/performance.md, "The disk store: one transaction a node a checkpoint"). What
/// is held is applied whatever its count:
/// - when someone waits for it (`wait(through:)`: a restart, a wipe, the end of the run);
/// - before a rotated file is deleted (what a killed run has not applied stays in a file);
/// - when the records held span `heldBytes` of the log (so the thread holds at most that
///   much of it in memory, and no database lags far behind the run).
/// Jobs are taken in the order posted; a job posted while the one before it still waits is
/// merged into it.
///
/// Positions count bytes from the start of the run, across the log's files, so that a
/// rotated file's records and the next file's are ordered the same way.
///
/// Unchecked: every mutable field is used under `condition` only, except those marked as
/// the thread's own, which only the thread uses. The replays (each a node's store) are
/// called on this thread while that node's records are applied, and by the simulator's
/// thread only after `wait(through:)` has seen that node's last record applied
/// (`RunLog.checkpoint(node:)`): a node that is loading or being wiped writes nothing more
/// meanwhile, so no later job holds its records, and never do both threads use one store
/// at once.
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

    /// A node's records are applied once it has this many held.
    let recordsPerTransaction: Int
    /// Everything held is applied once the held records span this much of the log.
    let heldBytes: Int

    private let condition = NSCondition()
    private var replays: [Replay] = []
    private var jobs: [Job] = []
    /// Every record that ends at or before this position is in its database.
    private var applied = 0
    /// The furthest position someone waits for (`wait(through:)`).
    private var wanted = 0
    /// Transactions applied so far (for the bench and the tests).
    private var transactionCount = 0
    private var failure: RunLogError?
    private var stopped = false
    /// Whether the thread has ended.
    private var exited = false

    // The thread's own.
    /// Each node's records read and not yet applied, in order.
    private var held: [[ArraySlice<UInt8>]] = []
    /// Where each node's first record held starts, in the run.
    private var heldStart: [Int] = []
    /// The nodes with records held, in the order of their first.
    private var holding: [Int] = []
    /// Where the first record held starts, in the run (every record before it is applied).
    private var heldFrom: Int? { holding.first.map { heldStart[$0] } }
    /// The position in the run up to which every job taken is read.
    private var read = 0

    init(recordsPerTransaction: Int = 64, heldBytes: Int = 4 << 20) {
        self.recordsPerTransaction = recordsPerTransaction
        self.heldBytes = heldBytes
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
        if applied < position {
            wanted = max(wanted, position)
            condition.broadcast()
        }
        while applied < position && failure == nil { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Transactions applied so far, one a node each time its held records are applied.
    var transactions: Int { condition.withLock { transactionCount } }

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
            while jobs.isEmpty && !stopped && !(wanted > applied && heldFrom != nil) { condition.wait() }
            guard !jobs.isEmpty else {
                guard heldFrom == nil else {
                    // Someone waits for what is held, or the run ends: apply it all.
                    let replays = self.replays
                    condition.unlock()
                    let failed = catching { () throws(RunLogError) in try applyHeld(replays) }
                    condition.withLock { finish(through: read, failed) }
                    continue
                }
                // Stopped, with nothing held. This thread holds no replay now: `stop` lets go
                // of the last ones, and the stores close their databases before it returns.
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let replays = self.replays
            let job = jobs.removeFirst()
            // Someone waits for a record of this stretch, or its file is to be deleted.
            let flushing = job.retire != nil || (wanted > applied && wanted <= job.end)
            condition.unlock()
            var failed = catching { () throws(RunLogError) in try take(job, replays) }
            if failed == nil, flushing || job.end - (heldFrom ?? job.end) >= heldBytes {
                failed = catching { () throws(RunLogError) in try applyHeld(replays) }
            }
            if let retire = job.retire, heldFrom == nil { unlink(retire) }
            condition.withLock { finish(through: job.end, failed) }
        }
    }

    /// Under `condition`: every record read up to `end` and not held is applied.
    private func finish(through end: Int, _ failed: RunLogError?) {
        if let failed {
            if failure == nil { failure = failed }
            // Nothing more is promised; let go of what is held so the thread can end.
            for node in holding { held[node] = [] }
            holding = []
        }
        applied = heldFrom ?? end
        condition.broadcast()
    }

    private func catching(_ body: () throws(RunLogError) -> Void) -> RunLogError? {
        do { try body() } catch { return error }
        return nil
    }

    /// Reads the job's stretch and holds each node's records in it, applying those of a node
    /// that now has `recordsPerTransaction` held.
    private func take(_ job: Job, _ replays: [Replay]) throws(RunLogError) {
        let bytes = try job.file.read(job.range)
        if held.count < replays.count {
            held.append(contentsOf: repeatElement([], count: replays.count - held.count))
            heldStart.append(contentsOf: repeatElement(0, count: replays.count - heldStart.count))
        }
        // Each record's node and where its payload is; the payloads are slices of `bytes`.
        let records = try LogDecoder.reading(bytes) { d throws(RunLogError) in
            var records: [(node: Int, first: Int, payload: Range<Int>)] = []
            while !d.isAtEnd {
                let first = job.start + job.range.lowerBound + d.offset
                let node = Int(try d.u32())
                guard node < replays.count else { throw .corrupt("a record of node \(node), of \(replays.count)") }
                records.append((node, first, try d.fieldRange()))
            }
            return records
        }
        for (node, first, payload) in records {
            if held[node].isEmpty {
                holding.append(node)
                heldStart[node] = first
            }
            held[node].append(bytes[bytes.startIndex + payload.lowerBound..<bytes.startIndex + payload.upperBound])
        }
        read = job.end
        var full = false
        for node in holding where held[node].count >= recordsPerTransaction {
            try apply(node, replays, file: job.file.path)
            full = true
        }
        if full { holding.removeAll { held[$0].isEmpty } }
    }

    /// Applies every node's held records, each node's in one transaction.
    private func applyHeld(_ replays: [Replay]) throws(RunLogError) {
        for node in holding { try apply(node, replays, file: "the run log") }
        holding.removeAll()
    }

    private func apply(_ node: Int, _ replays: [Replay], file: String) throws(RunLogError) {
        do { try replays[node](held[node]) } catch let error as RunLogError { throw error } catch {
            throw .io(file, reason: "applying node \(node)'s records to its database: \(error)")
        }
        held[node] = []
        condition.withLock { transactionCount += 1 }
    }
}
