import Foundation

/// One append-only log for every database of a simulated run (`DIR/mutations.log`): each
/// node's committed writes are appended here as values, and checkpointed later into the
/// node's own database (`peer.sqlite`, `registry.sqlite`), which is what a user opens.
///
/// Why: a transaction of its own for each node that handled an input (a savepoint, page
/// writes to its WAL) cost more than handling the input; appending costs a few hundred
/// bytes of a buffer, and a whole round of the network (every node's commit) is one
/// `write` (docs/performance.md, "The disk store").
///
/// What it promises is the simulator's durability (`SQLiteDurability.simulated`): a commit
/// is durable once `flush` has handed it to the operating system, which a simulated crash
/// does not lose. So:
/// - a node's writes are in the file before anything it does after them (the node driver
///   flushes before it carries out an effect);
/// - a restarting node's database is brought up to date from the file first: its records
///   are read back and applied in one transaction (`checkpoint(node:)`), then it loads;
/// - every database is brought up to date, and the file emptied, when the file passes
///   `checkpointBytes` and when the run ends (`checkpoint()`), so each data directory opens
///   in `sqlite3` afterwards with everything the run wrote.
///
/// One thread uses it (the simulator's). A run killed outright leaves the file with what was
/// not yet checkpointed; the next run clears the folder (`RunDataFolder`).
package final class RunLog {
    package let path: String
    /// When the file reaches this size, every database is brought up to date and it is emptied.
    package let checkpointBytes: Int
    private let fd: Int32
    /// Records appended since the last `flush`, not yet in the file.
    private var buffer = LogEncoder()
    /// Bytes in the file.
    private var written = 0
    private var nodes: [Node] = []
    /// Nodes with records in the file not yet in their database, in the order they first wrote.
    private var dirty: [Int] = []
    /// Checkpoints so far (for the bench and the tests).
    package private(set) var checkpoints = 0

    /// A database fed by the log: how to apply its records, and where they are in the file.
    private final class Node {
        let replay: ([ArraySlice<UInt8>]) throws -> Void
        /// Each record's payload, as a range of the file (or, before a flush, beyond its end).
        var pending: [Range<Int>] = []
        init(replay: @escaping ([ArraySlice<UInt8>]) throws -> Void) { self.replay = replay }
    }

    /// Opens `folder/mutations.log`, empty: a run starts from its databases.
    package init(folder: String, checkpointBytes: Int = 16 << 20) throws {
        try DataDirectory.makePrivateDirectory(folder)
        path = (folder as NSString).appendingPathComponent("mutations.log")
        self.checkpointBytes = checkpointBytes
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RunLogError.io(path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    /// Adds a database; `replay` applies records of its, in order, as one transaction.
    func register(replay: @escaping ([ArraySlice<UInt8>]) throws -> Void) -> Int {
        nodes.append(Node(replay: replay))
        return nodes.count - 1
    }

    /// Appends one record of `node` (one commit): durable at the next `flush`.
    func append(node: Int, _ payload: (inout LogEncoder) -> Void) {
        let start = buffer.bytes.count
        buffer.u32(UInt32(node))
        buffer.u32(0)  // the payload's length, filled in below
        payload(&buffer)
        let length = buffer.bytes.count - start - 8
        withUnsafeBytes(of: UInt32(length).littleEndian) { buffer.bytes.replaceSubrange(start + 4..<start + 8, with: $0) }
        let n = nodes[node]
        if n.pending.isEmpty { dirty.append(node) }
        n.pending.append(written + start + 8..<written + buffer.bytes.count)
    }

    /// Hands every appended record to the operating system, in one write; past
    /// `checkpointBytes`, brings every database up to date and empties the file.
    package func flush() throws {
        try writeBuffer()
        if written >= checkpointBytes { try checkpoint() }
    }

    /// Brings one node's database up to date: its records are read back from the file and
    /// applied (a restart, before the node loads).
    func checkpoint(node: Int) throws {
        let n = nodes[node]
        guard !n.pending.isEmpty else { return }
        try writeBuffer()
        try n.replay(try n.pending.map { try read($0) })
        n.pending.removeAll()
        dirty.removeAll { $0 == node }
    }

    /// The last `count` records of `node` not yet in its database, read back from the file
    /// (a restart that holds the node's state from before them: `LoggedStore`).
    func records(node: Int, last count: Int) throws -> [ArraySlice<UInt8>] {
        let n = nodes[node]
        guard count <= n.pending.count else { throw RunLogError.corrupt("\(count) records asked of a node with \(n.pending.count)") }
        guard count > 0 else { return [] }
        try writeBuffer()
        return try n.pending.suffix(count).map { try read($0) }
    }

    /// Brings every database up to date from the file, then empties it.
    package func checkpoint() throws {
        try writeBuffer()
        if !dirty.isEmpty {
            let bytes = try read(0..<written)
            for node in dirty {
                let n = nodes[node]
                try n.replay(n.pending.map { bytes[$0] })
                n.pending.removeAll()
            }
            dirty.removeAll()
        }
        guard ftruncate(fd, 0) == 0 else { throw RunLogError.io(path, reason: String(cString: strerror(errno))) }
        written = 0
        checkpoints += 1
    }

    private func writeBuffer() throws {
        guard !buffer.bytes.isEmpty else { return }
        try buffer.bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(written + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw RunLogError.io(path, reason: String(cString: strerror(errno)))
                }
                done += n
            }
        }
        written += buffer.bytes.count
        buffer.bytes.removeAll(keepingCapacity: true)
    }

    /// Bytes of the file, as the operating system holds them.
    private func read(_ range: Range<Int>) throws -> ArraySlice<UInt8> {
        var bytes = [UInt8](repeating: 0, count: range.count)
        try bytes.withUnsafeMutableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pread(fd, raw.baseAddress! + done, raw.count - done, off_t(range.lowerBound + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    throw RunLogError.io(path, reason: n < 0 ? String(cString: strerror(errno)) : "shorter than what was written to it")
                }
                done += n
            }
        }
        return bytes[...]
    }
}
