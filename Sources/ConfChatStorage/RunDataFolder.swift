import Foundation

/// The `--data DIR` folder of `confchat run`: the simulator's databases of one run
/// (`DIR/registry/registry.sqlite`, `DIR/peers/NAME/peer.sqlite`), cleared before the next
/// run so that each starts from empty data. (The run's log, `DIR/mutations.log`, is emptied
/// by the next run's `RunLog` when it opens it, and a rotated `DIR/mutations.log.1` a killed
/// run left is deleted.)
///
/// That is also the layout of the standalone processes' default data (`confchat-data/`),
/// so clearing deletes only what a run made: the folder must carry the mark a run leaves
/// (`DIR/.confchat-run`), and hold under `registry/` and `peers/` nothing but the
/// simulator's database files. Anything else (a registry's `curve.key`, a peer's `owner`,
/// a file of the user's) stops the run with an error naming it, and nothing is deleted.
public enum RunDataFolder {
    static let mark = ".confchat-run"
    /// The files a run makes under DIR: the databases with SQLite's WAL companions.
    private static let databases = ["registry.sqlite", "peer.sqlite"].flatMap { [$0, $0 + "-wal", $0 + "-shm"] }

    /// Makes `base` ready for a run: created (0700) if missing, else emptied of an earlier
    /// run's data; throws `DataDirectoryError`/`RunDataFolderError` rather than delete
    /// anything a run did not make.
    public static func prepare(_ base: String) throws {
        try DataDirectory.makePrivateDirectory(base)
        let fm = FileManager.default
        let markPath = (base as NSString).appendingPathComponent(mark)
        var doomed: [String] = []
        for sub in ["registry", "peers"] {
            let top = (base as NSString).appendingPathComponent(sub)
            guard fm.fileExists(atPath: top) else { continue }
            guard fm.fileExists(atPath: markPath) else { throw RunDataFolderError.notARunFolder(base, found: top) }
            let found = try files(below: top)
            if let foreign = found.first(where: { !databases.contains(($0 as NSString).lastPathComponent) || !isRunLayout($0, top: top, sub: sub) }) {
                throw RunDataFolderError.foreignFile(base, file: foreign)
            }
            doomed += found
        }
        for file in doomed { try fm.removeItem(atPath: file) }
        for sub in ["registry", "peers"] {
            let top = (base as NSString).appendingPathComponent(sub)
            for dir in (try? fm.subpathsOfDirectory(atPath: top))?.sorted(by: >) ?? [] {
                try? fm.removeItem(atPath: (top as NSString).appendingPathComponent(dir))  // empty folders only remain
            }
            try? fm.removeItem(atPath: top)
        }
        guard fm.createFile(atPath: markPath, contents: Data("made by confchat run; its registry/ and peers/ are deleted by the next run\n".utf8),
                            attributes: [.posixPermissions: 0o600]) || fm.fileExists(atPath: markPath) else {
            throw DataDirectoryError.cannotCreate(markPath, reason: String(cString: strerror(errno)))
        }
    }

    /// Every file (not folder) below `top`, with its path.
    private static func files(below top: String) throws -> [String] {
        var out: [String] = []
        for sub in try FileManager.default.subpathsOfDirectory(atPath: top) {
            let path = (top as NSString).appendingPathComponent(sub)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { out.append(path) }
        }
        return out.sorted()
    }

    /// `registry/registry.sqlite*` or `peers/NAME/peer.sqlite*`, nothing deeper or elsewhere.
    private static func isRunLayout(_ file: String, top: String, sub: String) -> Bool {
        let parts = String(file.dropFirst(top.count + 1)).split(separator: "/")
        return sub == "registry" ? parts.count == 1 && parts[0].hasPrefix("registry.sqlite")
                                 : parts.count == 2 && parts[1].hasPrefix("peer.sqlite")
    }
}

/// Why `confchat run --data DIR` will not clear DIR.
public enum RunDataFolderError: Error, CustomStringConvertible {
    case notARunFolder(String, found: String)
    case foreignFile(String, file: String)

    public var description: String {
        switch self {
        case let .notARunFolder(base, found):
            "--data \(base): \(found) was not made by confchat run (it may be a standalone registry's or peer's data, as in confchat-data/); a run clears registry/ and peers/ of its folder, so give --data an empty or new folder"
        case let .foreignFile(base, file):
            "--data \(base): \(file) was not made by confchat run; nothing was deleted (give --data an empty or new folder, or move that file away)"
        }
    }
}
