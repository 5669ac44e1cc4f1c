import Foundation

/// Reads scenario files from disk and cuts them into lines: the only I/O the module does.
///
/// Problems come back as values rather than thrown Foundation errors, because the loader
/// turns each into a diagnostic at the place that asked for the file (an include line,
/// or the file itself) and keeps going.
enum ScenarioFileReader {
    /// Why a file could not be read, phrased for the end of an error message.
    enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case missing, folder, notUTF8, unreadable

        var description: String {
            switch self {
            case .missing: "no such file"
            case .folder: "it is a folder, not a file"
            case .notUTF8: "it is not UTF-8 text"
            case .unreadable: "it cannot be read"
            }
        }
    }

    static func read(_ path: String) -> Result<String, Problem> {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .failure(.missing) }
        guard !isFolder.boolValue else { return .failure(.folder) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable) }
        guard let text = String(data: data, encoding: .utf8) else { return .failure(.notUTF8) }
        return .success(text)
    }

    /// The lines of a text, without their line breaks (`\n`, `\r\n` or `\r`) and without
    /// a leading byte order mark, which editors on some systems add and which would
    /// otherwise shift every column of the first line.
    static func lines(of text: String) -> [String] {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" {
            body = Substring(body.unicodeScalars.dropFirst())
        }
        var lines: [String] = []
        var current = ""
        for character in body {
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        lines.append(current)
        return lines
    }

    /// Every `*.scenario` file below `folder`, as paths starting with `folder`, sorted by
    /// path. Hidden files and folders (`.build`, `.git`) are skipped: they never hold
    /// scenarios a user means to run, and build folders can hold copies.
    ///
    /// The walk is done by hand rather than with `FileManager.enumerator`, which on Linux
    /// does not descend into a folder given as a symbolic link; symlinked folders are
    /// followed, each real folder once, so a link loop cannot make the walk endless.
    static func scenarioFiles(below folder: String) -> [String] {
        var relativePaths: [String] = []
        var visited: Set<String> = []
        collect(folder: folder, relative: "", into: &relativePaths, visited: &visited)
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        return relativePaths.sorted().map { base + $0 }
    }

    private static func collect(folder: String, relative: String, into paths: inout [String], visited: inout Set<String>) {
        let path = relative.isEmpty ? folder : (folder.hasSuffix("/") ? folder : folder + "/") + relative
        guard visited.insert(ScenarioPath.identity(of: path)).inserted,
              let names = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { return }
        for name in names where !name.hasPrefix(".") {
            let child = relative.isEmpty ? name : relative + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                collect(folder: folder, relative: child, into: &paths, visited: &visited)
            } else if name.hasSuffix(".scenario") {
                paths.append(child)
            }
        }
    }
}
