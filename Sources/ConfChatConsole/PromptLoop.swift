import ConfChatCore
import Foundation

/// Runs a `PeerPrompt` on the process's stdin and stdout until `quit` or end of input.
///
/// - On a terminal (stdin and stdout both ttys): libedit's line editor with history
///   (Up/Down), editing keys and Tab completion; events print above the line being typed,
///   which stays intact below them (`EditLineTerminal`).
/// - Otherwise (a pipe, a file, a script): one command a line, no prompt and no escape
///   sequences; each line runs to completion (the network settles) before the next is read;
///   results, errors (`error: ...`) and events (`[event] ...`) print as plain lines; at the
///   end of input, once friends have confirmed what was sent (3 s at most), it exits
///   with status 0.
///
/// Either way the network keeps running between lines: the console's `pump` lets it work
/// until the next keystroke or line arrives.
///
/// `confchat attach` and `confchat peer` both use it:
///
///     let prompt = PeerPrompt(console: console)           // any PeerConsole
///     let status = try PromptLoop(prompt: prompt).run()   // 0
public final class PromptLoop {
    public let prompt: PeerPrompt
    public var input: Int32 = STDIN_FILENO
    /// Terminal mode (libedit) or plain lines. Defaults to whether stdin and stdout are terminals.
    public var interactive: Bool
    /// Colour on a terminal, unless `NO_COLOR` is set.
    public var color: Bool
    /// Printed once when the interactive prompt starts.
    public var banner: [String] = []
    /// Where plain mode writes each line (stdout, unbuffered, by default).
    public var writeLine: (String) -> Void = PromptLoop.write
    /// On a terminal, where the lines typed are kept across sessions (created 0600); lines
    /// with a password never go there.
    public var historyFile: String?

    /// The longest line the prompt takes: room for the longest message (`WireCodec.maxBodySize`) and the
    /// command around it. A longer one, typed, pasted or piped, is dropped with an error.
    public static let maxLineBytes = WireCodec.maxBodySize + 1024

    /// At the end of piped input, how long the peer may wait for its friends to confirm
    /// what it sent before the process exits.
    static let settleAtEndMs = 3000

    static var overlongLineError: PeerPrompt.Line {
        .error("error: the line is over \(maxLineBytes) bytes and was dropped (a message can be at most \(WireCodec.maxBodySize) bytes)")
    }

    public init(prompt: PeerPrompt) {
        self.prompt = prompt
        interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        color = ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Runs until `quit`, Ctrl-D or end of input. Returns the exit status (0).
    public func run() throws -> Int32 {
        if interactive {
            let terminal = EditLineTerminal(prompt: prompt, color: color, historyFile: historyFile)
            return try terminal.run(banner: banner)
        }
        return try runPlain()
    }

    /// Writes a line as is, at once (unbuffered), to stdout.
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.append(10)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    private func runPlain() throws -> Int32 {
        let writeLine = self.writeLine
        let previousOutput = prompt.output
        prompt.output = { writeLine($0.text) }
        defer { prompt.output = previousOutput }
        var buffer: [UInt8] = []
        /// Skipping the rest of an over-long line, up to its newline.
        var skipping = false
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            guard try prompt.console.pump(until: input, timeoutMs: 250) else { continue }
            let n = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return 0
            }
            if n == 0 {
                if !buffer.isEmpty, !skipping, prompt.execute(Self.decode(buffer)) == .quit { return 0 }
                try prompt.console.settle(timeoutMs: Self.settleAtEndMs)
                return 0
            }
            buffer += chunk[0..<n]
            while let newline = buffer.firstIndex(of: 10) {
                let line = Self.decode(Array(buffer[..<newline]))
                buffer.removeSubrange(...newline)
                if skipping || newline > Self.maxLineBytes {
                    if !skipping { prompt.output(Self.overlongLineError) }
                    skipping = false
                    continue
                }
                if prompt.execute(line) == .quit { return 0 }
            }
            if buffer.count > Self.maxLineBytes {
                if !skipping { prompt.output(Self.overlongLineError) }
                skipping = true
                buffer = []
            }
        }
    }

    static func decode(_ bytes: [UInt8]) -> String {
        var b = bytes
        if b.last == 13 { b.removeLast() }
        return String(decoding: b, as: UTF8.self)
    }
}
