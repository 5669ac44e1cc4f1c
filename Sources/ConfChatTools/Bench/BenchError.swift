/// A bench that cannot run or did not hold.
public enum BenchError: Error, CustomStringConvertible {
    case invalidOptions(String)
    case tooManyFiles(needed: Int, limit: Int)
    case refused(String)
    case verificationFailed(String)
    case `internal`(String)

    public var description: String {
        switch self {
        case let .invalidOptions(s): s
        case let .tooManyFiles(needed, limit):
            "this network needs about \(needed) open files (every libzmq socket holds an eventfd; tcp and ipc connections "
                + "and SQLite databases more), and the limit here is \(limit): use fewer peers, or raise the hard limit (ulimit -Hn)"
        case let .refused(s): "a send was refused: \(s)"
        case let .verificationFailed(s): "verification failed: \(s)"
        case let .internal(s): s
        }
    }
}
