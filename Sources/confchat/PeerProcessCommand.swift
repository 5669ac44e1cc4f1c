import ArgumentParser
import ConfChatConsole
import ConfChatCore
import ConfChatStandalone
import Foundation

/// `confchat peer NAME`: one user's peer as a process of its own, with the prompt.
struct PeerProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
        abstract: "Run one peer as a standalone process and open the prompt for it.",
        discussion: """
            The peer binds its own endpoint, talks to friends directly and to the registry for
            accounts, requests, mail and backup; every connection is CURVE-encrypted. Its data
            directory (mode 0700, files 0600) holds peer.sqlite (friends, conversations, the
            Argon2id hash of the password), curve.key and the prompt's history; it belongs to
            NAME alone and serves one process at a time. On a terminal the prompt has line
            editing, history and Tab completion, and `login` alone asks for the password
            without showing it; with piped input it reads one command a line and exits at the
            end of it (type `help`).

            Examples:
              confchat peer alice --registry tcp://127.0.0.1:5555 --registry-key-file registry-data/registry.pub
              confchat peer bob --registry tcp://10.0.0.5:5555 --registry-key-file registry.pub \\
                  --bind tcp://10.0.0.7:6001 --data ./bob-data
              printf 'login s3cret\\nsend bob "hi"\\n' | confchat peer alice --registry ... --registry-key-file ...
            """)

    @Argument(help: "The user name: [a-z][a-z0-9_-]{0,31}.")
    var name: String

    @Option(help: "The registry's endpoint, e.g. tcp://127.0.0.1:5555.")
    var registry: String

    @Option(name: .customLong("registry-key-file"), help: "The registry's public key (registry.pub in its data directory).")
    var registryKeyFile: String

    @Option(help: "Endpoint to bind; friends reach this peer here (tcp://HOST:PORT, port * for any).")
    var bind = "tcp://127.0.0.1:*"

    @Option(help: "Endpoint friends and the registry are told to reach this peer at, when not the bound one (a proxy's, a NAT's).")
    var advertise: String?

    @Option(help: "Data directory (default: confchat-data/peers/NAME).")
    var data: String?

    @Flag(name: .customLong("fast-hash"), help: "Hash passwords at the simulation cost instead of OWASP's interactive cost (tests only).")
    var fastHash = false

    @OptionGroup var inbox: InboxLimitOptions

    @OptionGroup var driven: DrivenHostOptions

    @Option(name: .customLong("presence-timeout"), help: ArgumentHelp("How long a friend may stay silent before it counts as offline, in milliseconds.", valueName: "ms"))
    var presenceTimeout: Int64 = 5000

    func validate() throws {
        try driven.check()
        try inbox.check()
        if presenceTimeout < 150 { throw ValidationError("--presence-timeout must be at least 150 ms (got \(presenceTimeout))") }
    }

    func run() throws {
        let key: [UInt8]
        let host: PeerHost
        do {
            if let problem = PeerName.userNameProblem(name) { throw StartupError(problem) }
            if let problem = StartupCheck.endpointProblem(registry, binding: false) { throw StartupError("--registry \(problem)") }
            if let problem = StartupCheck.endpointProblem(bind, binding: true) { throw StartupError("--bind \(problem)") }
            if let advertise, let problem = StartupCheck.endpointProblem(advertise, binding: false) { throw StartupError("--advertise \(problem)") }
            key = try StartupCheck.registryKey(at: registryKeyFile).get()
            let config = driven.registryRequestsOnRealTime(PeerConfig(presenceTimeout: presenceTimeout))
            host = try PeerHost(
                name: name, dataDirectory: data ?? "confchat-data/peers/\(name)", bind: bind, registry: registry,
                registryKey: key, clock: driven.clock, seed: UInt64.random(in: .min ... .max),
                hashCost: fastHash ? .fast : .interactive, config: config,
                advertise: advertise, connectFrom: driven.connectFrom,
                // A timer like the others: --time-scale K tries K times as often.
                registryReconnectMs: Int32(max(10, 100 / driven.timeScale)), clockRate: driven.timeScale,
                limits: inbox.applied(to: .peer))
        } catch {
            Console.error("error: \(StartupError.describe(error))")
            throw ExitCode(1)
        }
        host.log = { Console.error("\(name): \($0)") }
        // Ctrl-C at the prompt cancels a command waiting for the registry.
        host.stopRequest = PromptInterrupt.stopRequest
        // Refused input may come from a hostile client: it goes to the log (protocol.md 8).
        host.onEvent = { if case let .refused(why) = $0 { Console.error("\(name): \(why)") } }
        if driven.control {
            // Driven by a runner: no prompt; the control channel until the runner's pipe ends.
            let prompt = PeerPrompt(console: host)
            let channel = try driven.open(in: host.dataDirectory, log: { Console.error("\(name): \($0)") })
            Console.out("\(name) listening on \(host.endpoint)")
            // `ping` answers the name and the bound endpoint (a runner's proxy forwards there).
            let endpoint = host.endpoint
            try host.serve(control: channel, lifeline: STDIN_FILENO) {
                $0.trimmingCharacters(in: .whitespaces) == "ping" ? .init(.ok, "\(name) \(endpoint)") : prompt.controlReply($0)
            }
            channel.close()
            return
        }
        let loop = PromptLoop(prompt: PeerPrompt(console: host))
        loop.historyFile = (host.dataDirectory as NSString).appendingPathComponent("history")
        loop.banner = ["\(name) at \(host.endpoint) (registry \(registry)); type help"]
        if !loop.interactive { Console.out("\(name) listening on \(host.endpoint)") }
        throw ExitCode(try loop.run())
    }
}
