import Foundation

/// The progress line on stderr: `[12/40] running scenarios/x.scenario`, rewritten in place
/// (carriage return, erase line) and erased before anything else prints. Only on a terminal.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    let total: Int
    private var visible = false

    init(enabled: Bool, total: Int) {
        self.enabled = enabled
        self.total = total
    }

    func show(done: Int, running: String) {
        guard enabled else { return }
        var line = "[\(min(done + 1, total))/\(total)] running \(running)"
        let width = Self.columns() - 1
        if line.count > width, width > 10 { line = String(line.prefix(width - 1)) + "…" }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        visible = true
    }

    func clear() {
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }

    static func columns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    }
}
