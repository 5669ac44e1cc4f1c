import Foundation

/// Path arithmetic for includes, done on strings so that diagnostics show paths the way
/// the user wrote them (relative stays relative) rather than as absolute file URLs.
enum ScenarioPath {
    /// Removes `.` components, empty components (`a//b`) and resolves `..` against the
    /// component before it, like `NSString.standardizingPath` but purely lexically: no
    /// tilde expansion and no symlink resolution, so the result is predictable in tests
    /// and on every platform. Leading `..` of a relative path are kept; `/..` is `/`.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The folder holding `path`: `""` for a bare file name (the current folder).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let directory = path[..<slash]
        return directory.isEmpty ? "/" : String(directory)
    }

    /// `relative` as seen from `directory`, normalized; absolute paths stay as they are.
    static func join(_ directory: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || directory.isEmpty { return normalize(relative) }
        return normalize(directory + "/" + relative)
    }

    /// A key that is the same for every spelling of the same file (`a.scenario`,
    /// `./x/../a.scenario`, a symlink to it), used to detect include cycles.
    static func identity(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: normalize(absolute)).resolvingSymlinksInPath().path
    }
}
