import Foundation

/// Output helpers: stdout for results, stderr for diagnostics, flushed line by line so a
/// trace interleaves correctly with results when both go to a pipe.
enum Console {
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static var colorOut: Bool { isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    static func paint(_ s: String, _ code: String) -> String { colorOut ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
}
