import Foundation
import GRDB

/// Opens a node's SQLite database in its data directory, creating the directory.
///
/// WAL mode with `synchronous = NORMAL`: a committed transaction survives a crash of the
/// process (the simulator's `crash`, `kill -9`), which is the durability the spec asks for,
/// at a fraction of the cost of a full sync per commit.
enum SQLiteFile {
    static func open(directory: String, name: String) throws -> DatabaseQueue {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        }
        return try DatabaseQueue(path: (directory as NSString).appendingPathComponent(name), configuration: config)
    }
}
