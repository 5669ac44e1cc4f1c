import CEdit
import ConfChatCore
import Foundation

/// The terminal's keys beyond line editing: the history kept across sessions, passwords
/// read without echo, the terminal while a command runs, the time of day on events.
extension EditLineTerminal {
    /// The local time of day, "14:03", in front of each event on a terminal: when a message
    /// arrived, a friend came online. (Plain mode prints none: its output is for scripts.)
    static func clockTime() -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        return String(format: "%02d:%02d", local.tm_hour, local.tm_min)
    }

    // MARK: - History and passwords

    /// The most lines the history file keeps.
    static let historyLimit = 1000

    func loadHistory() {
        guard let historyFile, let text = try? String(contentsOfFile: historyFile, encoding: .utf8) else { return }
        let lines = text.split(separator: "\n").map(String.init).suffix(Self.historyLimit)
        for line in lines { add_history(line) }
        if text.split(separator: "\n").count > 2 * Self.historyLimit {
            // Rewrite it shorter now and then; appends keep it growing between.
            let fd = open(historyFile, O_WRONLY | O_TRUNC | O_CLOEXEC)
            if fd >= 0 {
                let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
                _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
        }
    }

    /// Adds a line to the history, and to the history file (created 0600: it is what you typed).
    func remember(_ line: String) {
        add_history(line)
        guard let historyFile else { return }
        let fd = open(historyFile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// Asks a question and reads the answer with echo off, as `passwd` does. Ctrl-C gives nil.
    func readSecret(_ question: String) -> String? {
        var saved = termios()
        let haveTerm = tcgetattr(STDIN_FILENO, &saved) == 0
        if haveTerm {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ICANON | ISIG)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if haveTerm { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
            rawWrite("\r\n")
        }
        rawWrite(question)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0 && errno == EINTR {
                if PromptInterrupt.takeStop() != nil { return nil }
                continue
            }
            if n <= 0 || byte == 10 || byte == 13 { break }
            if bytes.count < WireCodec.maxPasswordSize * 4 { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - The terminal while a command runs

    /// Keys typed while a command runs are not echoed raw in the middle of its output (they
    /// wait, and libedit reads them at the next prompt); Ctrl-C still signals.
    static func quietKeys() -> termios? {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO | ICANON)
        quiet.c_lflag |= tcflag_t(ISIG)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        return saved
    }

    static func restoreKeys(_ saved: termios?) {
        guard var saved else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }
}
