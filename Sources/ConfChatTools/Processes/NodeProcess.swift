import ConfChatStandalone
import Foundation

/// One standalone node (`confchat registry` or `confchat peer`) run by `confchat run
/// --processes`, driven through its control channel.
///
/// The child's stdin is a pipe only this process writes to (never, in fact): when the runner
/// ends, however it ends (even SIGKILL), the pipe reaches its end and the child exits
/// (`--control` mode), so no node outlives its run. `stop()` kills it at once as well.
final class NodeProcess {
    let name: String
    let dataDirectory: String
    private let process = Process()
    private let log: String
    private let lifeline = Pipe()
    private(set) var client: ControlClient!
    private var launched = false

    /// Launches `binary ARGUMENTS` (which must include `--control` and `--data
    /// dataDirectory`), its output appended to `log`, and waits until its control channel
    /// answers `ping` (up to `startupMs` real milliseconds).
    init(name: String, binary: String, arguments: [String], dataDirectory: String, log: String, startupMs: Int = 20_000) throws {
        self.name = name
        self.dataDirectory = dataDirectory
        self.log = log
        // A control file left by a killed incarnation names a dead endpoint.
        unlink((dataDirectory as NSString).appendingPathComponent(ControlChannel.fileName))
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }  // checked by the open below
        guard let out = FileHandle(forWritingAtPath: log) else { throw ProcessWorldError("cannot write \(log)") }
        out.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardInput = lifeline
        process.standardOutput = out
        process.standardError = out
        try process.run()
        launched = true
        try? out.close()
        let deadline = Date().addingTimeInterval(Double(startupMs) / 1000)
        while Date() < deadline {
            guard process.isRunning else {
                throw ProcessWorldError("\(name) exited at start (status \(process.terminationStatus)); its log, \(log):\n" + Self.tail(log))
            }
            if let c = try ControlClient(dataDirectory: dataDirectory), (try? c.request("ping", timeoutMs: 2000))?.status == .ok {
                client = c
                return
            }
            usleep(20_000)
        }
        stop()
        throw ProcessWorldError("\(name) did not open its control channel within \(startupMs / 1000) s; its log, \(log):\n" + Self.tail(log))
    }

    deinit { stop() }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    /// Sends a command line over the control channel.
    func request(_ line: String, timeoutMs: Int) throws -> ControlChannel.Reply {
        guard process.isRunning, let client else {
            throw ProcessWorldError("\(name) is gone (exit status \(process.terminationStatus)) although no statement stopped it; its log, \(log):\n" + Self.tail(log))
        }
        return try client.request(line, timeoutMs: timeoutMs)
    }

    /// SIGKILL, and waits for the process to be gone (a `crash`, or the end of the run).
    func stop() {
        guard launched else { return }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? lifeline.fileHandleForWriting.close()
        client = nil
    }

    /// The last lines of a log, for an error message.
    static func tail(_ path: String, lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).map { "    " + $0 }.joined(separator: "\n")
    }
}
