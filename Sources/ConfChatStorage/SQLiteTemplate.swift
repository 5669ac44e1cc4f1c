import Foundation
import GRDB

/// The bytes of a new, empty database of each kind (`peer.sqlite`, `registry.sqlite`), made
/// once a process and copied into every new database of the simulator (`SQLiteFile`).
///
/// Why: making a peer's tables (a dozen `CREATE TABLE`s and their indexes, and the columns
/// added since) cost about 4.3 M instructions inside SQLite, for every peer a run declares;
/// writing 100 KB of template costs a `pwrite`. The template is made by the store's own
/// `schema` in a temporary folder, in WAL mode, and closed (which moves everything into the
/// main file), so each copy is the database that `schema` would have made: `sqlite3` opens
/// it, and a later open by any store finds its tables and columns there.
enum SQLiteTemplate {
    private static let lock = NSLock()
    /// By file name; nil when the template could not be made (then each database is made
    /// the usual way).
    nonisolated(unsafe) private static var made: [String: [UInt8]?] = [:]

    static func bytes(name: String, schema: @escaping (Database) throws -> Void) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        if let bytes = made[name] { return bytes }
        let bytes = try? make(name: name, schema: schema)
        made[name] = .some(bytes)
        return bytes
    }

    private static func make(name: String, schema: @escaping (Database) throws -> Void) throws -> [UInt8] {
        var folder = Array((NSTemporaryDirectory() + "/confchat-template-XXXXXX").utf8CString)
        guard let directory = folder.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!).map { String(cString: $0) } }) else {
            throw DataDirectoryError.cannotCreate(NSTemporaryDirectory(), reason: String(cString: strerror(errno)))
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent(name)
        do {
            let queue = try SQLiteFile.queue(path: path, durability: .simulated)
            try queue.write(schema)
            try queue.close()  // the WAL goes into the main file
        }
        guard !FileManager.default.fileExists(atPath: path + "-wal"), let data = FileManager.default.contents(atPath: path) else {
            throw DataDirectoryError.cannotCreate(path, reason: "the template was not closed")
        }
        return [UInt8](data)
    }
}
