import Foundation

/// The data directory of a standalone process (`confchat peer`, `confchat registry`),
/// opened for as long as the process runs.
///
/// - It is made private: created with mode 0700 (and any folder above it that is missing),
///   its files 0600 (`SQLiteFile`, `NodeKeys`), since `peer.sqlite` holds the history in
///   plain text and `curve.key` the secret key.
/// - It belongs to one node: the file `owner` says whose it is (`peer alice`, `registry`),
///   written at first use; a directory of alice's is refused to carol, and a peer's to the
///   registry, since either would act with another's keys, friends and messages.
/// - One process at a time: an exclusive `flock` on the file `lock`, held until the
///   process ends (the kernel drops it when the process dies, kill -9 included). A second
///   process on the same directory is refused, with the first one's pid; two processes on
///   one database would each act on their own view of it.
///
/// Each refusal is a `DataDirectoryError` that says what to do.
public final class DataDirectory {
    public enum Role: Equatable, Sendable, CustomStringConvertible {
        case peer(String)
        case registry
        public var description: String {
            switch self {
            case let .peer(name): "peer \(name)"
            case .registry: "registry"
            }
        }
    }

    public let path: String
    private let lock: Int32

    public init(path: String, role: Role) throws {
        self.path = path
        try Self.makePrivateDirectory(path)
        guard access(path, W_OK | X_OK) == 0 else { throw DataDirectoryError.notWritable(path) }
        lock = try Self.takeLock(path)
        do { try Self.claim(path, for: role) } catch {
            close(lock)
            throw error
        }
    }

    deinit { close(lock) }

    /// Creates `path` (mode 0700) if it is missing; refuses a file, or a path it cannot create.
    static func makePrivateDirectory(_ path: String) throws {
        guard !path.isEmpty else { throw DataDirectoryError.emptyPath }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DataDirectoryError.notADirectory(path) }
            return
        }
        // mkdir -p by hand: POSIX's errno names the reason, where Foundation's error may not.
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw DataDirectoryError.cannotCreate(path, reason: String(cString: strerror(errno)))
            }
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw DataDirectoryError.cannotCreate(path, reason: String(cString: strerror(ENOTDIR)))
        }
    }

    private static func takeLock(_ path: String) throws -> Int32 {
        let file = (path as NSString).appendingPathComponent("lock")
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DataDirectoryError.cannotCreate(file, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw DataDirectoryError.inUse(path, pid: holder.flatMap { Int32($0) })
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    /// Checks (or, at first use, writes) whose directory this is.
    private static func claim(_ path: String, for role: Role) throws {
        let file = (path as NSString).appendingPathComponent("owner")
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            let owner = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard owner == role.description else { throw DataDirectoryError.belongsToAnother(path, owner: owner, wanted: role) }
            return
        }
        // A directory from before `owner` existed: its database says which kind it is.
        let has = { (name: String) in FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(name)) }
        switch role {
        case .peer where has("registry.sqlite"): throw DataDirectoryError.belongsToAnother(path, owner: "registry", wanted: role)
        case .registry where has("peer.sqlite"): throw DataDirectoryError.belongsToAnother(path, owner: "a peer", wanted: role)
        default: break
        }
        guard FileManager.default.createFile(atPath: file, contents: Data((role.description + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw DataDirectoryError.cannotCreate(file, reason: String(cString: strerror(errno)))
        }
    }

    /// The system's words for a file error ("Permission denied"), without Foundation's dump.
    package static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        switch ns.code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "No such file or directory"
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "Permission denied"
        case NSFileWriteOutOfSpaceError: return "No space left on device"
        case NSFileWriteVolumeReadOnlyError: return "Read-only file system"
        default: return ns.localizedDescription
        }
    }
}

/// Why a data directory cannot be used, in words that say what to do.
public enum DataDirectoryError: Error, CustomStringConvertible {
    case emptyPath
    case notADirectory(String)
    case cannotCreate(String, reason: String)
    case notWritable(String)
    case inUse(String, pid: Int32?)
    case belongsToAnother(String, owner: String, wanted: DataDirectory.Role)
    /// The database holds a value no version of confchat writes (edited by hand?).
    case corrupt(String, reason: String)

    public var description: String {
        switch self {
        case .emptyPath:
            "--data is empty (give a directory, or a path to create one)"
        case let .notADirectory(p):
            "data directory \(p) is a file, not a directory (give --data a directory, or a path to create one)"
        case let .cannotCreate(p, reason):
            "cannot create \(p): \(reason)"
        case let .notWritable(p):
            "data directory \(p) is not writable (read-only, or owned by another user): the node must write its database there"
        case let .inUse(p, pid):
            "data directory \(p) is in use by another confchat process\(pid.map { " (pid \($0))" } ?? ""); one directory serves one process at a time"
        case let .corrupt(p, reason):
            "data directory \(p) holds a database confchat cannot read: \(reason)"
        case let .belongsToAnother(p, owner, wanted):
            switch wanted {
            case let .peer(name):
                "data directory \(p) holds the data of \(owner), not of peer \(name): give \(name) a directory of its own (--data)"
            case .registry:
                "data directory \(p) holds the data of \(owner), not of a registry: give the registry a directory of its own (--data)"
            }
        }
    }
}
