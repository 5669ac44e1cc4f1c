import CEdit
import ConfChatCore
import Foundation

/// The prompt on a terminal: libedit's readline-compatible callback interface.
///
/// The loop waits for a keystroke in the console's `pump`, so the network runs (and events
/// arrive) while the user types; each keystroke goes to `rl_callback_read_char`, which edits
/// the line (history, cursor keys, Tab completion) and hands back whole lines. Anything
/// printed while a line is being typed (events, results) goes above it: the line is cleared,
/// the text printed, and libedit redraws the prompt with the half-typed line and the cursor
/// where they were (`rl_forced_update_display`).
///
/// Keys: Enter runs the line; Up/Down walk the history; Left/Right/Home/End/Backspace edit;
/// Tab completes verbs and names (twice lists the choices); Ctrl-C drops the line; Ctrl-D on
/// an empty line quits (elsewhere it deletes the character under the cursor: libedit's own
/// binding, which its callback interface reports as a nil line on an empty one).
final class EditLineTerminal {
    /// libedit calls back through C function pointers, which cannot capture context: they
    /// reach the running terminal through this. Only one runs at a time, on one thread.
    nonisolated(unsafe) static var current: EditLineTerminal?
    nonisolated(unsafe) static var resized: sig_atomic_t = 0

    let prompt: PeerPrompt
    let color: Bool
    private var pending: [String] = []
    private var endOfInput = false
    private var promptText = ""
    /// Whether libedit shows a prompt line right now (it does between two keystrokes).
    private var editing = false
    /// Where libedit's `rl_line_buffer` points (see `growLineBuffers`).
    private var lineBuffer = [CChar](repeating: 0, count: EditLineTerminal.lineCapacity + 8)
    /// Room for a line over the limit by what one key can add (a yank or a recalled line
    /// doubles it at most): the prompt drops a line over `PromptLoop.maxLineBytes` after each key.
    static let lineCapacity = 2 * PromptLoop.maxLineBytes + 64

    /// Where the lines typed are kept across sessions (one a line, mode 0600); nil: nowhere.
    let historyFile: String?

    init(prompt: PeerPrompt, color: Bool, historyFile: String? = nil) {
        self.prompt = prompt
        self.color = color
        self.historyFile = historyFile
    }

    func run(banner: [String]) throws -> Int32 {
        setlocale(LC_CTYPE, "")  // UTF-8 input, if the environment says so; nothing else changes
        Self.current = self
        defer { Self.current = nil }
        for line in banner { rawWrite(paint(line, "2") + "\r\n") }
        let previousOutput = prompt.output
        prompt.output = { [weak self] line in
            if let self { self.show(line) } else { PromptLoop.write(line.text) }
        }
        defer { prompt.output = previousOutput }
        prompt.readSecret = { [weak self] question in self?.readSecret(question) }
        prompt.clearScreen = { [weak self] in self?.rawWrite("\u{1B}[H\u{1B}[2J") }
        defer {
            prompt.readSecret = nil
            prompt.clearScreen = nil
        }
        loadHistory()

        cedit_set_catch_signals(0)
        cedit_set_readline_name()
        cedit_set_streams(cedit_stdin(), cedit_stdout())
        cedit_set_word_breaks()
        cedit_set_attempted_completion(Self.complete)
        let oldSignals = installSignalHandlers()
        defer { restoreSignalHandlers(oldSignals) }
        promptText = currentPromptText()
        install()
        growLineBuffers()
        install()
        defer {
            rl_callback_handler_remove()
            if editing { rawWrite("\r\n") }
        }

        while true {
            if PromptInterrupt.terminated != 0 { break }
            if Self.resized != 0 {
                Self.resized = 0
                rl_resize_terminal()
            }
            if PromptInterrupt.interrupted != 0 {
                PromptInterrupt.interrupted = 0
                cancelLine()
            }
            let readable = try prompt.console.pump(until: STDIN_FILENO, timeoutMs: 250)
            if readable {
                rl_callback_read_char()
                if pending.isEmpty, !endOfInput, Int(cedit_end()) > PromptLoop.maxLineBytes { dropOverlongLine() }
            }
            if endOfInput {
                // libedit shows the ^D it read; leave the prompt line clean instead.
                rawWrite("\r" + promptText + "\u{1B}[K")
                return 0
            }
            if !pending.isEmpty {
                // libedit has moved to a new row after the line. Take the editor off the screen
                // while the commands run (their output prints as plain lines), then start a
                // fresh line with a new prompt. (libedit's callback interface leaves the old
                // line in its buffer after handing it over; installing the handler again is
                // what resets it and draws the prompt.)
                rl_callback_handler_remove()
                editing = false
                let saved = Self.quietKeys()
                while !pending.isEmpty {
                    let line = pending.removeFirst()
                    let outcome = prompt.execute(line)
                    if outcome == .quit || PromptInterrupt.terminated != 0 {
                        Self.restoreKeys(saved)
                        return 0
                    }
                }
                Self.restoreKeys(saved)  // before libedit takes the terminal again
                newLine()
            }
        }
        return 0
    }

    // MARK: - Output above the line being typed

    private func show(_ line: PeerPrompt.Line) {
        let text: String
        switch line.kind {
        case .result: text = line.text
        case .info: text = paint(line.text, "2")
        case .error: text = paint(line.text, "31")
        case .event: text = paint(Self.clockTime() + " " + line.text, "36")
        }
        printAbove(text)
    }

    /// Clears the prompt line (and the rows a long line wrapped onto), prints `text`, and has
    /// libedit draw the prompt and the half-typed line again below it.
    private func printAbove(_ text: String) {
        guard editing else { return rawWrite(text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n") }
        var clear = "\r"
        let columns = max(1, terminalColumns())
        let rowsAbove = (promptText.count + Int(cedit_point())) / columns
        if rowsAbove > 0 { clear += "\u{1B}[\(rowsAbove)A" }
        clear += "\u{1B}[J"
        rawWrite(clear + text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        rl_forced_update_display()
    }

    /// Ctrl-C: abandon the line being typed, as a shell does, and start a fresh one.
    private func cancelLine() {
        rawWrite("^C\r\n")
        newLine()
    }

    /// A line longer than any command needs (a paste gone wrong) is dropped as a whole.
    private func dropOverlongLine() {
        rawWrite("\r\n")
        editing = false
        show(PromptLoop.overlongLineError)
        newLine()
    }

    /// An empty line under a fresh prompt. (libedit's `rl_replace_line` ignores an empty
    /// text; installing the handler again resets the line and draws the prompt.)
    private func newLine() {
        rl_callback_handler_remove()
        promptText = currentPromptText()
        install()
    }

    /// Starts a line: libedit draws the prompt.
    private func install() {
        rl_callback_handler_install(promptText, Self.lineHandler)
        editing = true
    }

    /// Works around a bug of libedit 3.1 that corrupted the heap when a line grew past
    /// 1,020 bytes (a pasted line crashed the prompt with "malloc(): invalid next size").
    ///
    /// libedit keeps `rl_line_buffer` pointing into the buffer where it converts the line
    /// from wide characters, sets it again whenever the line's own buffer grows, and after
    /// every key writes `rl_line_buffer[rl_end] = 0`; but the conversion buffer is
    /// reallocated, 1,024 bytes at a time, as the line grows, and the pointer is not updated
    /// then: the write lands in freed memory. Both buffers only ever grow, and live as long
    /// as the process's one editor. So they are grown once, at start, past anything a line
    /// can reach (`lineCapacity`): the line's buffer then never grows again, so libedit never
    /// sets `rl_line_buffer` again, and it is pointed at a buffer of ours of that size, which
    /// takes the writes. The line itself is read with `rl_copy_text`.
    private func growLineBuffers() {
        rl_insert_text(String(repeating: "x", count: Self.lineCapacity))
        if let copy = rl_copy_text(0, 1) { free(copy) }  // converts the whole line: that buffer grows too
        rl_callback_handler_remove()  // the next install starts an empty line
        lineBuffer.withUnsafeMutableBufferPointer { cedit_set_line_buffer($0.baseAddress) }
        rawWrite("\r\u{1B}[K")
    }

    private func currentPromptText() -> String {
        let loggedIn = (try? prompt.console.isLoggedIn()) ?? false
        return loggedIn ? "\(prompt.name)> " : "\(prompt.name) (logged out)> "
    }

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    func rawWrite(_ s: String) {
        fflush(cedit_stdout())
        var bytes = Array(s.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            bytes = bytes.dropFirst(n)
        }
    }

    private func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    // MARK: - Callbacks from libedit

    private static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        guard let terminal = current else { return }
        guard let line else {
            terminal.endOfInput = true
            return
        }
        let text = String(cString: line)
        free(line)
        if !PromptLexer.trim(text).isEmpty && !PeerPrompt.holdsSecret(text) { terminal.remember(text) }
        terminal.pending.append(text)
    }

    private static let complete: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, end in
        cedit_set_attempted_completion_over(1)
        guard let terminal = current, let copy = rl_copy_text(0, end) else { return nil }
        let prefix = String(cString: copy)
        free(copy)
        let typed = text.map { String(cString: $0) } ?? ""
        let matches = terminal.prompt.completions(forLinePrefix: prefix).filter { $0.hasPrefix(typed) }
        guard !matches.isEmpty else { return nil }
        // [common prefix, match, match, ..., NULL]; one match is [match, match, NULL], which
        // is what libedit's own completion_matches makes and what tells it to append a space.
        let list = [commonPrefix(matches)] + matches
        // libedit frees the array and its strings with free(): allocate them with malloc.
        guard let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (list.count + 1)) else { return nil }
        let out = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count + 1)
        for (i, s) in list.enumerated() { out[i] = strdup(s) }
        out[list.count] = nil
        return out
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for w in words.dropFirst() {
            while !w.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    // MARK: - Signals

    private typealias SavedActions = [(Int32, sigaction)]

    /// Ctrl-C, a resized window, SIGTERM/SIGHUP: set a flag; the loop (woken by EINTR) acts on it.
    private func installSignalHandlers() -> SavedActions {
        var saved: SavedActions = []
        let handlers: [(Int32, @convention(c) (Int32) -> Void)] = [
            (SIGINT, { _ in PromptInterrupt.interrupted = 1 }),
            (SIGWINCH, { _ in EditLineTerminal.resized = 1 }),
            (SIGTERM, { _ in PromptInterrupt.terminated = 1 }),
            (SIGHUP, { _ in PromptInterrupt.terminated = 1 }),
        ]
        for (signal, handler) in handlers {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = handler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: poll returns EINTR and the loop looks at once
            var old = sigaction()
            sigaction(signal, &action, &old)
            saved.append((signal, old))
        }
        return saved
    }

    private func restoreSignalHandlers(_ saved: SavedActions) {
        for (signal, old) in saved {
            var o = old
            sigaction(signal, &o, nil)
        }
    }
}
