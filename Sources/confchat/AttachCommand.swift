import ArgumentParser
import ConfChatConsole
import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import Foundation

/// `confchat attach NAME [--scenario FILE]`: runs a scenario, then hands the user a prompt
/// acting as the virtual peer NAME while the whole simulated network keeps running.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Chat as one virtual peer of a simulated network, at an interactive prompt.",
        discussion: """
            Runs the scenario (if given), then gives you a prompt acting as NAME while the whole network keeps running: simulated time follows real time, so messages, friend requests and friends coming online or going offline print the moment they happen. Type `help` at the prompt for every command.

            At the prompt, commands without a name act as NAME (`login pw`, `send bob "hi"`, `friends`, `messages bob`...); `@bob STATEMENT` acts as another peer, and scenario statements (`wait 5s`, `expect ...`, `partition a | b`, `heal`, `registry crash`, `crash bob`...) act on the network, exactly as in a scenario file (`wait` and `expect` move simulated time at once).

            On a terminal: line editing, history (Up/Down; kept in ~/.confchat_history, or DIR/history with --data; lines with a password are never kept), Tab completion of commands and names; `login` with no password asks for it without showing it; Ctrl-C cancels a long `wait` or `expect`; Ctrl-D or `quit` leaves.

            --trace prints the message flow above the line being typed, without the keep-alive traffic (HEARTBEAT, PING, PONG) unless --trace-hide none. With stdin not a terminal: one command a line, each run to completion before the next is read; results, errors (`error: ...`) and events (`[event] bob: hi`) as plain lines; end of input exits 0.

            Exit status: 0 when the prompt ends; 2 for usage or scenario syntax errors.

            Examples:
              confchat attach alice --scenario scenarios/setup/two-friends.scenario
              confchat attach alice     (a network of one; `peers bob` adds one)
              printf 'login pw\\nfriends\\n' | confchat attach alice --scenario setup.scenario
            """)

    @Argument(help: "The virtual peer to act as (declared by the scenario, or created when there is none).")
    var name: String

    @Option(help: "A scenario to run first (setting up peers, accounts, friendships).")
    var scenario: String?

    @Option(help: "ZeroMQ transport for the whole run: inproc, ipc or tcp (overrides the file's `transport`).")
    var transport: TransportKind?

    @Option(help: "Seed for every random choice (overrides the file's `seed`).")
    var seed: UInt64?

    @Flag(help: "Print the message flow as it happens (above the line being typed).")
    var trace = false

    @Option(name: .customLong("trace-hide"), help: "Message kinds --trace leaves out, comma-separated, or none.")
    var traceHide = "HEARTBEAT,PING,PONG"

    @Option(help: "Keep the data directories here (DIR/registry, DIR/peers/NAME) instead of a temporary folder.")
    var data: String?

    func run() throws {
        if let problem = PeerName.userNameProblem(name) {
            Console.error("error: \(problem)")
            throw ExitCode(2)
        }
        let setup: Scenario
        if let scenario {
            do { setup = try ScenarioLoader.load(path: scenario) } catch {
                error.diagnostics.forEach { Console.error($0.rendered()) }
                throw ExitCode(2)
            }
            guard setup.declaredPeers.contains(name) else {
                let peers = setup.declaredPeers.isEmpty ? "none" : setup.declaredPeers.joined(separator: " ")
                Console.error("error: \(scenario) declares no peer '\(name)' (its peers: \(peers))")
                throw ExitCode(2)
            }
        } else {
            do { setup = try ScenarioLoader.parse(source: "peers \(name)\n", path: "<attach>") } catch {
                Console.error("\(error)")
                throw ExitCode(2)
            }
        }

        let dir: String
        if let data {
            dir = data
        } else {
            dir = NSTemporaryDirectory() + "confchat-attach-\(getpid())-\(UUID().uuidString.prefix(8))"
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if data == nil { try? FileManager.default.removeItem(atPath: dir) } }

        // Trace lines go through the prompt, so they print above the line being typed too.
        var promptRef: PeerPrompt?
        let printer: TracePrinter? = trace
            ? TracePrinter(format: .text, color: TracePrinter.wantsColor(), write: { line in
                if let p = promptRef { p.output(.info(line)) } else { Console.out(line) }
            }) : nil
        let hidden: Set<String>
        do { hidden = try TraceKindFilter.kinds(traceHide) } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        let sink: (any TraceSink)? = printer.map { hidden.isEmpty ? $0 as any TraceSink : TraceKindFilter(hiding: hidden, next: $0) }
        let network = try AttachedNetwork(
            scenario: setup, options: .init(transport: transport, seed: seed, dataDirectory: dir, trace: sink))
        defer { network.shutDown() }
        let console = SimulatorConsole(simulator: network.simulator, name: name)
        defer { console.detach() }
        let prompt = PeerPrompt(console: console, network: network)
        // The setup's events are not news: the ledger records them, the screen does not.
        prompt.showEvents = false
        let outcome = network.runSetup()
        if !outcome.passed {
            Console.error("warning: the scenario failed; the prompt starts on the network as it is:")
            for f in outcome.failures { Console.error("  " + f.description.replacingOccurrences(of: "\n", with: "\n  ")) }
        }
        promptRef = prompt
        prompt.showEvents = true
        console.resetClock()

        let loop = PromptLoop(prompt: prompt)
        // The lines typed, across sessions: in the data directory when there is one to keep.
        loop.historyFile = data.map { ($0 as NSString).appendingPathComponent("history") }
            ?? ProcessInfo.processInfo.environment["HOME"].map { ($0 as NSString).appendingPathComponent(".confchat_history") }
        if loop.interactive {
            let peers = network.peerNames.joined(separator: " ")
            let source = scenario.map { "after \($0) (\(outcome.statementsRun) statements, \(outcome.simulatedTime) simulated)" } ?? "a new network"
            loop.banner = [
                "confchat attach: you are \(name), \(source); peers: \(peers).",
                "Simulated time now follows real time. Type help for the commands, Tab to complete, Ctrl-D to quit.",
            ]
        }
        let status = try loop.run()
        if status != 0 { throw ExitCode(status) }
    }
}
