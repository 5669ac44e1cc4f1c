import ConfChatCore
import ConfChatScenario
import ConfChatTools
import Foundation

/// The progress line on stderr: `[12/40] running scenarios/x.scenario`, rewritten in place
/// (carriage return, erase line) and erased before anything else prints. Only on a terminal.
///
/// A scenario that runs long (a `wait 24h` among many peers) gets its statement and
/// simulated clock added, `[1/1] running x.scenario:12 wait 24h (3h 12m simulated)`, so a
/// long run is seen to move; a single quick scenario shows no line at all.
final class ProgressLine: RunProgress, @unchecked Sendable {
    let enabled: Bool
    let total: Int
    private var visible = false
    private var done = 0
    private var running = ""
    private var statement = ""
    private var scenarioStart = Date()
    private var lastDrawn = Date.distantPast

    /// How long a scenario runs before its statement and clock are shown, and how often
    /// they are redrawn after that.
    static let delay: TimeInterval = 1
    static let interval: TimeInterval = 0.25

    init(enabled: Bool, total: Int) {
        self.enabled = enabled
        self.total = total
    }

    /// A scenario starts (or, with `--jobs`, the oldest one running changes).
    func show(done: Int, running: String) {
        guard enabled else { return }
        self.done = done
        self.running = running
        statement = ""
        scenarioStart = Date()
        if total > 1 { draw("") }
    }

    /// A statement of the running scenario starts.
    func statement(_ s: Statement) {
        guard enabled else { return }
        statement = "\(s.location.file):\(s.location.line) \(ScenarioText.excerpt(s.source, limit: 40))"
        tick(nil)
    }

    /// The simulated clock moved (a timer fired).
    func tick(_ now: SimInstant?) {
        guard enabled, !statement.isEmpty else { return }
        let wall = Date()
        guard wall.timeIntervalSince(scenarioStart) >= Self.delay, wall.timeIntervalSince(lastDrawn) >= Self.interval else { return }
        draw(now.map { " (\(Self.span($0.milliseconds)) simulated)" } ?? "")
    }

    func clear() {
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }

    private func draw(_ clock: String) {
        var line = "[\(min(done + 1, total))/\(total)] running " + (statement.isEmpty ? running : statement) + clock
        let width = Self.columns() - 1
        if line.count > width, width > 10 { line = String(line.prefix(width - 1)) + "…" }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        visible = true
        lastDrawn = Date()
    }

    /// `3h 12m`, `4m 5s`, `12s`: simulated time for people.
    static func span(_ milliseconds: Int64) -> String {
        let s = milliseconds / 1000
        if s >= 3600 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return "\(s)s"
    }

    static func columns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    }
}
