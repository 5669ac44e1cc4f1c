import Foundation
import GRDB

/// A node's connection to its database, opened when first used (`SQLiteFile`).
///
/// Why: a simulated run declares its peers on the simulator's thread, and opening a
/// connection (GRDB's set-up and `SQLiteDurability`'s pragmas, which read the schema) cost
/// about 0.7 M instructions a database there, 28 M for the 10,000-statement scenario's 40
/// peers and its registry (docs/performance.md, item 95). A database made from the template
/// holds nothing to load, so nothing reads it before its node's first checkpoint, on the
/// log's applier thread (`LogApplier`): the connection is opened there, off the simulator's
/// thread. Every other database (a
/// standalone node's, one already on disk) is opened at once, as before, so that a file
/// that is not a database is reported when it is opened.
///
/// The lock makes the first use safe from either thread; the store's own rule (one thread
/// at a time, `LogApplier`) still holds for the connection itself.
final class SQLiteConnection: @unchecked Sendable {
    private let path: String
    private let durability: SQLiteDurability
    private let lock = NSLock()
    private var opened: DatabaseQueue?

    /// Opens the connection now.
    init(opening path: String, durability: SQLiteDurability) throws {
        self.path = path
        self.durability = durability
        opened = try SQLiteFile.queue(path: path, durability: durability)
    }

    /// Opens the connection at its first use (`queue`).
    init(deferring path: String, durability: SQLiteDurability) {
        self.path = path
        self.durability = durability
    }

    /// Whether the connection is open (for the tests).
    var isOpen: Bool { lock.withLock { opened != nil } }

    /// The connection, opened if it is not yet.
    var queue: DatabaseQueue {
        get throws {
            try lock.withLock {
                if let opened { return opened }
                let queue = try SQLiteFile.queue(path: path, durability: durability)
                opened = queue
                return queue
            }
        }
    }
}
