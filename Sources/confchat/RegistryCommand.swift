import ArgumentParser
import ConfChatCrypto
import ConfChatStandalone
import Foundation

/// `confchat registry`: the registry as a process of its own.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Run the registry as a standalone process (tcp or ipc, CURVE-encrypted).",
        discussion: """
            At first start the registry makes a CURVE key pair in its data directory, prints
            its public key and writes it to DIR/registry.pub; peers need that file
            (--registry-key-file). Stop it with Ctrl-C; kill -9 loses nothing it acknowledged.
            It logs each request and its answer on stderr, with the UTC time and a level
            (INFO, WARN, ERROR).

            Examples:
              confchat registry --bind tcp://0.0.0.0:5555 --data ./registry-data
              confchat registry --bind ipc:///tmp/confchat-registry --data ./registry-data
            """)

    @Option(help: "Endpoint to bind (tcp://HOST:PORT, tcp://127.0.0.1:* for any free port, or ipc://PATH).")
    var bind = "tcp://127.0.0.1:5555"

    @Option(help: "Data directory: registry.sqlite, curve.key and registry.pub.")
    var data = "confchat-data/registry"

    @Flag(name: .customLong("fast-hash"), help: "Hash passwords at the simulation cost instead of OWASP's interactive cost (tests only).")
    var fastHash = false

    @OptionGroup var inbox: InboxLimitOptions

    @Option(name: .customLong("max-outbox-connections"), help: ArgumentHelp("Connections to peers the registry keeps open; beyond, the least recently used is closed (the peer is connected to again at the next answer).", valueName: "n"))
    var maxOutboxConnections = OutboxConnections.registryLimit

    @OptionGroup var driven: DrivenHostOptions

    func validate() throws {
        try driven.check()
        try inbox.check()
        if maxOutboxConnections < 1 { throw ValidationError("--max-outbox-connections must be at least 1 (got \(maxOutboxConnections))") }
    }

    func run() throws {
        let limits = inbox.applied(to: .registry)
        let host: RegistryHost
        do {
            if let problem = StartupCheck.endpointProblem(bind, binding: true) { throw StartupError("--bind \(problem)") }
            host = try RegistryHost(dataDirectory: data, bind: bind, seed: UInt64.random(in: .min ... .max),
                                    clock: driven.clock, hashCost: fastHash ? .fast : .interactive, connectFrom: driven.connectFrom, limits: limits,
                                    outboxConnections: maxOutboxConnections)
        } catch {
            Console.error("error: \(StartupError.describe(error))")
            throw ExitCode(1)
        }
        host.log = { Console.error(Self.logLine("WARN", $0)) }
        host.info = { Console.error(Self.logLine("INFO", $0)) }
        RegistryHost.logConnections { Console.error(Self.logLine("INFO", $0)) }
        let pub = NodeKeys.z85(host.keys.publicKey)
        let pubPath = (data as NSString).appendingPathComponent("registry.pub")
        try (pub + "\n").write(toFile: pubPath, atomically: true, encoding: .utf8)
        Console.out("registry listening on \(host.endpoint)")
        Console.out("public key \(pub) (written to \(pubPath))")
        Console.error(Self.logLine("INFO", "serving on \(host.endpoint), data in \(data)"))
        var control: (channel: ControlChannel, lifeline: Int32, handle: (String) -> ControlChannel.Reply)?
        if driven.control {
            let channel = try driven.open(in: data, log: { Console.error(Self.logLine("WARN", $0)) })
            let endpoint = host.endpoint
            control = (channel, STDIN_FILENO, { $0 == "ping" ? .init(.ok, "registry \(endpoint)") : .init(.error, "the registry's control channel knows only `ping`") })
        }
        defer { control?.channel.close() }
        do { try host.serve(control: control) } catch {
            Console.error(Self.logLine("ERROR", "stopped: \(error)"))
            throw ExitCode(1)
        }
    }

    /// A log line as servers write them, on stderr: UTC time to the millisecond, level, text.
    static func logLine(_ level: String, _ text: String) -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var tm = tm()
        var seconds = ts.tv_sec
        gmtime_r(&seconds, &tm)
        let stamp = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                           tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1_000_000)
        return "\(stamp) \(level.padding(toLength: 5, withPad: " ", startingAt: 0)) registry: \(text)"
    }
}
