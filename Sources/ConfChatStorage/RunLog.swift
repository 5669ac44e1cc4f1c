import Foundation

/// One append-only log for every database of a simulated run (`DIR/mutations.log`): each
/// node's committed writes are appended here as values, and applied later to the node's
/// own database (`peer.sqlite`, `registry.sqlite`), which is what a user opens.
///
/// Why: a transaction of its own for each node that handled an input (a savepoint, page
/// writes to its WAL) cost more than handling the input; appending costs a few hundred
/// bytes of a buffer, and the file is written a `writeBytes` at a time (one `pwrite` for
/// many commits: one a commit cost more CPU than the commit; docs/performance.md).
///
/// What it promises is the simulator's durability (`SQLiteDurability.simulated`): a
/// simulated crash loses a node's memory, never the simulator's nor what the operating
/// system holds, so a commit is durable once `flush` returns, in the log's buffer or its
/// file. So:
/// - a node's writes are in the log before anything it does after them (the node driver
///   flushes before it carries out an effect), and in the file before anything reads them
///   back (a hand-over, a restart's records, a checkpoint);
/// - the records reach the databases on a thread of their own (`LogApplier`): every
///   `handOverBytes` written, the stretch of the file written since is handed to it, and it
///   applies a node's records, held across hand-overs, in one transaction once the node has
///   `recordsPerTransaction` of them (or when they are waited for), while the run goes on;
/// - a node whose database must be read (a restart, a wipe) first waits until its records
///   are applied (`checkpoint(node:)`), then loads;
/// - when the file passes `checkpointBytes` it is rotated: renamed `mutations.log.1`, which
///   the thread deletes once it has applied it, and a new `mutations.log` begun (the
///   simulator waits first for an older rotated file, so there is at most one);
/// - when the run ends (`checkpoint()`) every record is applied and the file emptied, so
///   each data directory opens in `sqlite3` afterwards with everything the run wrote.
///
/// One thread uses it (the simulator's). A run killed outright leaves every database as of
/// the records applied and the rest in `mutations.log` (and `mutations.log.1`, if rotated
/// then), but for the last records still in the buffer (less than `writeBytes`); the next
/// run clears the folder (`RunDataFolder`) and these files, and nothing reads them before.
package final class RunLog {
    package let path: String
    /// When the file reaches this size, it is rotated.
    package let checkpointBytes: Int
    /// When this much is written and not yet handed over, it goes to the applier.
    package let handOverBytes: Int
    /// When the buffer holds this much at a flush, it is written to the file.
    package let writeBytes: Int
    private var file: LogFile
    private let applier: LogApplier
    /// Records appended and not yet in the file.
    private var buffer = LogEncoder()
    /// Bytes in the file.
    private var written = 0
    /// Bytes of the file handed to the applier.
    private var handed = 0
    /// The position in the run (bytes, across rotations) of the file's first byte.
    private var start = 0
    private var nodes: [Node] = []
    /// Rotations and ends of the file so far (for the bench and the tests).
    package private(set) var checkpoints = 0

    /// Where a database's records are.
    private final class Node {
        /// Each record's payload in the current file (or, before a flush, beyond its end):
        /// what a restart may read back without its database.
        var inFile: [Range<Int>] = []
        /// The position in the run where its last record ends.
        var end = 0
    }

    /// Opens `folder/mutations.log`, empty: a run starts from its databases.
    package init(folder: String, checkpointBytes: Int = 16 << 20, handOverBytes: Int = 256 << 10,
                 writeBytes: Int = 64 << 10, recordsPerTransaction: Int = 64) throws {
        try DataDirectory.makePrivateDirectory(folder)
        path = (folder as NSString).appendingPathComponent("mutations.log")
        self.checkpointBytes = checkpointBytes
        self.handOverBytes = handOverBytes
        self.writeBytes = writeBytes
        unlink(path + ".1")  // a killed run's rotated file: its databases are cleared too
        file = try LogFile(path: path)
        applier = LogApplier(recordsPerTransaction: recordsPerTransaction)
    }

    deinit { applier.stop() }

    /// Adds a database; `replay` applies records of its, in order, as one transaction, on
    /// the applier's thread (see `LogApplier` for why that is safe).
    func register(replay: @escaping ([ArraySlice<UInt8>]) throws -> Void) -> Int {
        nodes.append(Node())
        return applier.register(replay)
    }

    /// Appends one record of `node` (one commit): durable at the next `flush`. A payload
    /// that throws leaves no record.
    func append(node: Int, _ payload: (inout LogEncoder) throws -> Void) rethrows {
        let first = buffer.count
        buffer.u32(UInt32(node))
        buffer.u32(0)  // the payload's length, filled in below
        do { try payload(&buffer) } catch {
            buffer.truncate(to: first)
            throw error
        }
        let length = buffer.count - first - 8
        buffer.u32(UInt32(length), at: first + 4)
        let n = nodes[node]
        n.inFile.append(written + first + 8..<written + buffer.count)
        n.end = start + written + buffer.count
    }

    /// Makes the records appended so far durable: they are, in the buffer. Writes the buffer
    /// to the file once it holds `writeBytes`, or a hand-over or a rotation is due; hands what
    /// is written to the applier every `handOverBytes`, and rotates the file past
    /// `checkpointBytes`.
    package func flush() throws {
        let pending = written + buffer.count
        guard buffer.count >= writeBytes || pending >= checkpointBytes || pending - handed >= handOverBytes else { return }
        try writeBuffer()
        if written >= checkpointBytes {
            try rotate()
        } else if written - handed >= handOverBytes {
            handOver()
        }
    }

    /// The transactions that brought records to databases so far (for the bench and the tests).
    package var transactions: Int { applier.transactions }

    /// How many of `node`'s last records can be read back from the file (`records`).
    func recordsInFile(node: Int) -> Int { nodes[node].inFile.count }

    /// Brings one node's database up to date (a restart, before the node reads its
    /// database; a wipe, before it deletes it): waits until its records are applied.
    func checkpoint(node: Int) throws {
        let n = nodes[node]
        if n.end > start + handed {
            try writeBuffer()
            handOver()
        }
        try applier.wait(through: n.end)
    }

    /// The last `count` records of `node`, read back from the file, or from the buffer those
    /// not written yet (a restart that holds the node's state from before them: `LoggedStore`).
    /// Records that lie close together in the file are read together: one `pread` each cost
    /// more than the bytes between them.
    func records(node: Int, last count: Int) throws -> [ArraySlice<UInt8>] {
        let n = nodes[node]
        guard count <= n.inFile.count else { throw RunLogError.corrupt("\(count) records asked of a node with \(n.inFile.count)") }
        guard count > 0 else { return [] }
        let ranges = n.inFile.suffix(count)
        var records: [ArraySlice<UInt8>] = []
        records.reserveCapacity(count)
        var i = ranges.startIndex
        while i < ranges.endIndex, ranges[i].lowerBound < written {
            // A stretch of the file up to the last record that starts close to the one before.
            var j = i + 1
            while j < ranges.endIndex, ranges[j].lowerBound < written, ranges[j].lowerBound - ranges[j - 1].upperBound <= Self.readGap {
                j += 1
            }
            let stretch = try file.read(ranges[i].lowerBound..<ranges[j - 1].upperBound)
            let base = stretch.startIndex - ranges[i].lowerBound
            for r in ranges[i..<j] { records.append(stretch[(base + r.lowerBound)..<(base + r.upperBound)]) }
            i = j
        }
        for r in ranges[i...] { records.append(buffer.slice((r.lowerBound - written)..<(r.upperBound - written))) }
        return records
    }

    /// The most bytes between two records of a node read in one `pread`.
    static let readGap = 4096

    /// Brings every database up to date from the file, then empties it (the run's end).
    package func checkpoint() throws {
        try writeBuffer()
        handOver()
        try applier.wait(through: start + written)
        try file.truncate()
        begin(after: written)
    }

    /// Hands the rest of the file to the applier, which deletes it once applied, and
    /// begins a new one.
    private func rotate() throws {
        try applier.wait(through: start)  // the rotated file before this one is applied and gone
        let retired = path + ".1"
        guard rename(path, retired) == 0 else { throw RunLogError.io(path, reason: String(cString: strerror(errno))) }
        applier.post(.init(file: file, range: handed..<written, start: start, retire: retired))
        file = try LogFile(path: path)
        begin(after: written)
    }

    /// The file starts over after `bytes`: no record of it can be read back any more.
    private func begin(after bytes: Int) {
        start += bytes
        written = 0
        handed = 0
        for n in nodes { n.inFile.removeAll() }
        checkpoints += 1
    }

    /// Hands what is written and not yet handed over to the applier.
    private func handOver() {
        guard handed < written else { return }
        applier.post(.init(file: file, range: handed..<written, start: start, retire: nil))
        handed = written
    }

    private func writeBuffer() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withBytes { bytes throws(RunLogError) in try file.write(bytes, at: written) }
        written += buffer.count
        buffer.truncate(to: 0)
    }
}
