import Foundation
import GRDB

/// Opens a node's SQLite database in its data directory, creating the directory.
///
/// WAL mode; how hard a commit tries to reach the disk is the caller's `SQLiteDurability`
/// (a standalone process: survives `kill -9`; the simulator: survives a simulated crash).
///
/// The database holds history in plain text: the directory is created 0700 and the file
/// 0600 (made before SQLite opens it, since SQLite would make it 0644; its `-wal` and
/// `-shm` files take the database's mode). A file left 0644 by an older version is made
/// 0600 on open.
///
/// A new database of the simulator is a copy of a template (`SQLiteTemplate`): its
/// tables, made once a process by the same `schema`, instead of a dozen `CREATE TABLE`s
/// for every node a run declares; its connection is opened at its first use
/// (`SQLiteConnection`), at the node's first checkpoint, off the simulator's thread.
enum SQLiteFile {
    /// The database's connection, and whether this open made it (it holds no rows yet).
    struct Opened {
        let connection: SQLiteConnection
        let isNew: Bool
    }

    /// Opens `directory/name`; `schema` makes the tables of a new file, or brings an older
    /// file's up to date, in one transaction.
    static func open(directory: String, name: String, durability: SQLiteDurability,
                     schema: @escaping (Database) throws -> Void) throws -> Opened {
        try DataDirectory.makePrivateDirectory(directory)
        let path = (directory as NSString).appendingPathComponent(name)
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EACCES || errno == EROFS { throw DataDirectoryError.notWritable(directory) }
            throw DataDirectoryError.cannotCreate(path, reason: String(cString: strerror(errno)))
        }
        _ = fchmod(fd, 0o600)
        // A file SQLite never wrote (empty, no WAL beside it) is a new database.
        var info = stat()
        let isNew = fstat(fd, &info) == 0 && info.st_size == 0 && access(path + "-wal", F_OK) != 0
        var fromTemplate = false
        if isNew, durability == .simulated, let template = SQLiteTemplate.bytes(name: name, schema: schema) {
            fromTemplate = try write(template, to: fd, path: path)
        }
        close(fd)
        for suffix in ["-wal", "-shm"] { _ = chmod(path + suffix, 0o600) }
        // A copy of the template is the database the schema makes: nothing to write or check.
        if fromTemplate { return Opened(connection: SQLiteConnection(deferring: path, durability: durability), isNew: true) }
        let connection = try SQLiteConnection(opening: path, durability: durability)
        try connection.queue.write(schema)
        return Opened(connection: connection, isNew: isNew)
    }

    /// A connection to `path` with `durability`'s pragmas.
    static func queue(path: String, durability: SQLiteDurability) throws -> DatabaseQueue {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: durability.pragmas)
        }
        return try DatabaseQueue(path: path, configuration: config)
    }

    /// Writes the template into the new, empty file; false (the file emptied again) if the
    /// write fails, and the schema is made the usual way.
    private static func write(_ bytes: [UInt8], to fd: Int32, path: String) throws -> Bool {
        let done = bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        if !done, ftruncate(fd, 0) != 0 {
            throw DataDirectoryError.cannotCreate(path, reason: String(cString: strerror(errno)))
        }
        return done
    }
}
