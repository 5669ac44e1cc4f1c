import Foundation

/// Reads scenario files from disk and cuts them into lines: the only I/O the module does.
///
/// Problems come back as values rather than thrown Foundation errors, because the loader
/// turns each into a diagnostic at the place that asked for the file (an include line,
/// or the file itself) and keeps going.
enum ScenarioFileReader {
    /// Why a file could not be read, phrased for the end of an error message.
    enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case missing, folder, notUTF8, unreadable, tooLarge

        var description: String {
            switch self {
            case .missing: "no such file"
            case .folder: "it is a folder, not a file"
            case .notUTF8: "it is not UTF-8 text"
            case .unreadable: "it cannot be read"
            case .tooLarge: "it is larger than \(ScenarioLimits.maxFileBytes >> 20) MiB, the most a scenario file may hold"
            }
        }
    }

    /// What a path names, without reading it: reading `/dev/stdin` or a FIFO to find out
    /// would consume what the loader is to read afterwards.
    static func kind(of path: String) -> Problem? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .missing }
        return isFolder.boolValue ? .folder : nil
    }

    /// The text of a file. It is read as a stream, so `/dev/stdin`, a FIFO or a process
    /// substitution (`<(...)`) work as well as a regular file, and at most
    /// `ScenarioLimits.maxFileBytes` are read, so `/dev/zero` cannot read for ever.
    static func read(_ path: String) -> Result<String, Problem> {
        if let problem = kind(of: path) { return .failure(problem) }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.unreadable) }
        defer { try? handle.close() }
        var data = Data()
        do {
            while data.count <= ScenarioLimits.maxFileBytes,
                  let chunk = try handle.read(upToCount: ScenarioLimits.maxFileBytes + 1 - data.count), !chunk.isEmpty {
                data.append(chunk)
            }
        } catch {
            return .failure(.unreadable)
        }
        guard data.count <= ScenarioLimits.maxFileBytes else { return .failure(.tooLarge) }
        guard let text = String(data: data, encoding: .utf8) else { return .failure(.notUTF8) }
        return .success(text)
    }

    /// The lines of a text, without their line breaks (`\n`, `\r\n` or `\r`) and without
    /// a leading byte order mark, which editors on some systems add and which would
    /// otherwise shift every column of the first line.
    ///
    /// Cut at the bytes of the breaks: a break is always a character of its own (grapheme
    /// breaking never joins CR or LF to anything but each other), and no other character's
    /// UTF-8 holds those bytes, so the lines are those of a walk over `Character`s, at a
    /// fraction of its cost.
    static func lines(of text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // U+FEFF
            var lines: [String] = []
            var i = start
            while i < bytes.count {
                let byte = bytes[i]
                guard byte == 0x0A || byte == 0x0D else {
                    i += 1
                    continue
                }
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                i += byte == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A ? 2 : 1
                start = i
            }
            lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            return lines
        }
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
