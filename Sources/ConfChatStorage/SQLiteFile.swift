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
enum SQLiteFile {
    static func open(directory: String, name: String, durability: SQLiteDurability) throws -> DatabaseQueue {
        try DataDirectory.makePrivateDirectory(directory)
        let path = (directory as NSString).appendingPathComponent(name)
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EACCES || errno == EROFS { throw DataDirectoryError.notWritable(directory) }
            throw DataDirectoryError.cannotCreate(path, reason: String(cString: strerror(errno)))
        }
        _ = fchmod(fd, 0o600)
        close(fd)
        for suffix in ["-wal", "-shm"] { _ = chmod(path + suffix, 0o600) }
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: durability.pragmas)
        }
        return try DatabaseQueue(path: path, configuration: config)
    }
}
