/// How hard a node's SQLite commits try to reach the disk.
///
/// Both keep the database in WAL mode, readable by `sqlite3` once its node has closed it.
public enum SQLiteDurability: Sendable {
    /// `synchronous = NORMAL` in WAL mode: a committed transaction survives a crash of the
    /// process (`kill -9`), which is the durability the spec asks for; the standalone
    /// `confchat peer` and `confchat registry`.
    case process
    /// The simulator's nodes, written at checkpoints of the run's log (`RunLog`): a simulated
    /// crash loses a node's memory, never what the operating system already holds, so a
    /// commit need not be synced (`synchronous = OFF`);
    /// and only the simulator's one connection uses the file while it runs, so it takes the
    /// lock once (`locking_mode = EXCLUSIVE`) instead of for every transaction. Only a crash
    /// of the whole machine could lose commits, and then the whole simulated run is gone too.
    /// Its connection does not evaluate the tables' CHECK constraints
    /// (`ignore_check_constraints`): the stores bind only values of typed fields (a message's
    /// direction and kind come from a `Bool` and an enum), and SQLite evaluated
    /// `kind IN (...)` by building a temporary index for every message row it wrote. The
    /// constraints stay in the schema, for every other program that writes the file.
    case simulated

    /// The statements that set it on a fresh connection (before WAL mode, which the
    /// exclusive locking mode must precede to keep the WAL index in memory; so must
    /// `synchronous = OFF`, or turning a new database to WAL mode syncs it: an `fdatasync`
    /// for every peer a simulated run declares).
    var pragmas: String {
        switch self {
        case .process: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL"
        case .simulated:
            "PRAGMA locking_mode = EXCLUSIVE; PRAGMA synchronous = OFF; PRAGMA journal_mode = WAL; PRAGMA ignore_check_constraints = ON"
        }
    }
}
