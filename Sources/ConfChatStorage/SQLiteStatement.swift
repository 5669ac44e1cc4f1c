import Foundation
import GRDB
import GRDBSQLite

/// One statement of a store, prepared once on its connection through SQLite's C API and
/// run again and again: arguments bound by position, rows read by column number.
///
/// Why not GRDB's statements: a checkpoint of the run's log (`RunLog`) writes several rows a
/// message, and a restart reads a peer's whole history. Through GRDB each row looked its
/// statement up by SQL text, boxed every argument into a `DatabaseValue` and read every column
/// through `Row` (docs/performance.md, "What was changed for speed"); here a row is a bind of
/// each argument straight from the value and one `sqlite3_step`.
///
/// Text and blobs are bound without SQLite copying them (`SQLITE_STATIC`): each argument's
/// bytes are copied into a buffer of the statement's own for that position, kept and reused
/// from run to run, where SQLite reads them until the position is bound again. A copy made
/// by SQLite (`SQLITE_TRANSIENT`) was a `malloc` and a `free` of SQLite's, each under its
/// allocator's lock: a fifth of a checkpoint's instructions (docs/performance.md, item 59).
///
/// Used only inside its store's GRDB access (`write`, `read`), on GRDB's queue. Finalized
/// when released; GRDB closes a connection with `sqlite3_close_v2`, which waits for that.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    private let sql: String
    /// Each position's bytes as last bound (index 0 is position 1), and its capacity.
    private var buffers: [(start: UnsafeMutableRawPointer?, capacity: Int)]

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "connection closed", sql: sql) }
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.handle = handle
        self.connection = connection
        self.sql = sql
        buffers = Array(repeating: (nil, 0), count: Int(sqlite3_bind_parameter_count(handle)))
    }

    deinit {
        sqlite3_finalize(handle)
        for b in buffers { free(b.start) }
    }

    /// Copies `bytes` into position `index`'s buffer, grown if need be, and returns it: the
    /// buffer stays as it is until that position is bound again.
    private func keep(_ bytes: UnsafeRawBufferPointer, at index: Int32) -> UnsafeRawPointer {
        let i = Int(index) - 1
        precondition(buffers.indices.contains(i), "no parameter \(index) in \(sql)")
        if buffers[i].capacity < bytes.count || buffers[i].start == nil {
            let capacity = max(64, bytes.count * 2)
            // The old bytes may still be bound; replaced (and unused) once bound below.
            guard let grown = realloc(buffers[i].start, capacity) else { fatalError("out of memory binding \(bytes.count) bytes") }
            buffers[i] = (grown, capacity)
        }
        let start = buffers[i].start!
        if let source = bytes.baseAddress, bytes.count > 0 { start.copyMemory(from: source, byteCount: bytes.count) }
        return UnsafeRawPointer(start)
    }

    // MARK: - Arguments, by position from 1

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            // Never a null address (SQLite would bind NULL, not an empty string).
            let start = keep(UnsafeRawBufferPointer(utf8), at: index)
            _ = sqlite3_bind_text(handle, index, start.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.static)
        }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else { return bindNull(index) }
        bind(index, value)
    }

    func bind(_ index: Int32, _ value: Int64) { _ = sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: UInt64) { bind(index, Int64(bitPattern: value)) }

    /// Bytes as a BLOB; no bytes are a BLOB of length zero, not NULL.
    func bind(_ index: Int32, blob: [UInt8]) {
        guard !blob.isEmpty else {
            _ = sqlite3_bind_zeroblob(handle, index, 0)
            return
        }
        blob.withUnsafeBytes { raw in _ = sqlite3_bind_blob(handle, index, keep(raw, at: index), Int32(raw.count), Self.static) }
    }

    /// Bytes as a BLOB, or NULL when there are none.
    func bind(_ index: Int32, blobOrNull blob: [UInt8]) {
        blob.isEmpty ? bindNull(index) : bind(index, blob: blob)
    }

    func bindNull(_ index: Int32) { _ = sqlite3_bind_null(handle, index) }

    // MARK: - Arguments bound where their bytes lie

    // The checkpoint binds a row's text and blobs from the run log's record, which outlives
    // the statement's run (`SQLitePeerStore.apply(records:)`): SQLite reads them there
    // (`SQLITE_STATIC`), neither it nor the statement copies them. The bytes must stay as
    // they are until the statement has run (`run`); every run binds each of its positions
    // first, so the address left bound after it is never read.

    /// UTF-8 bytes as TEXT, the same text `bind(_:_: String)` binds for
    /// `String(decoding: bytes, as: UTF8.self)`: ASCII (a name, most bodies) where the bytes
    /// lie; anything else through that `String`, so that bytes which are not valid UTF-8 are
    /// repaired exactly as the value's path repairs them.
    func bind(_ index: Int32, borrowedText bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0, Self.isASCII(bytes) else {
            return bind(index, String(decoding: bytes, as: UTF8.self))
        }
        _ = sqlite3_bind_text(handle, index, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.static)
    }

    /// UTF-8 bytes as TEXT, or NULL for nil.
    func bind(_ index: Int32, borrowedText bytes: UnsafeRawBufferPointer?) {
        guard let bytes else { return bindNull(index) }
        bind(index, borrowedText: bytes)
    }

    /// Bytes as a BLOB; no bytes are a BLOB of length zero, not NULL (as `bind(_:blob:)`).
    func bind(_ index: Int32, borrowedBlob bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else {
            _ = sqlite3_bind_zeroblob(handle, index, 0)
            return
        }
        _ = sqlite3_bind_blob(handle, index, start, Int32(bytes.count), Self.static)
    }

    /// Bytes as a BLOB, or NULL when there are none (as `bind(_:blobOrNull:)`).
    func bind(_ index: Int32, borrowedBlobOrNull bytes: UnsafeRawBufferPointer) {
        bytes.isEmpty ? bindNull(index) : bind(index, borrowedBlob: bytes)
    }

    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var any: UInt8 = 0
        for b in bytes { any |= b }
        return any < 0x80
    }

    // MARK: - Running

    /// Runs a statement that returns no rows, then makes it ready for the next arguments.
    func run() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// The next row of a query (read it with the column accessors), or false at the end,
    /// when the statement is reset for the next run.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE:
            sqlite3_reset(handle)
            return false
        case let code:
            sqlite3_reset(handle)
            throw error(code)
        }
    }

    // MARK: - Columns of the current row, by number from 0

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    /// A TEXT column's UTF-8 bytes, or a BLOB column's bytes (none for NULL).
    func bytes(_ column: Int32) -> [UInt8] {
        let type = sqlite3_column_type(handle, column)
        guard type != SQLITE_NULL else { return [] }
        let start = type == SQLITE_BLOB ? sqlite3_column_blob(handle, column) : UnsafeRawPointer(sqlite3_column_text(handle, column))
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let start, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }

    /// `SQLITE_STATIC`: SQLite reads the bytes where they are, until they are bound again (the
    /// C macro does not reach Swift).
    private static var `static`: sqlite3_destructor_type? { nil }
}
