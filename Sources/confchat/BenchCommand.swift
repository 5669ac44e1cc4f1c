import ArgumentParser
import ConfChatHosts
import ConfChatScenario
import ConfChatTools
import Foundation

/// `confchat bench`: a load test of the whole engine against raw libzmq.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure message throughput, latency and memory of a simulated network.",
        discussion: """
            Builds a network of --peers virtual peers, each with --friends friends drawn from \
            --seed, then sends --messages messages between random friends (or, with \
            --group-size, to random groups), --batch at a time before letting the network \
            settle. Every message must reach its recipient exactly once and in order, or the \
            bench fails (exit 1). The same load also runs through bare libzmq sockets, first, for a ratio.

            Examples:
              confchat bench                                   1,000 peers, 200,000 messages
              confchat bench --store disk --json
              confchat bench --peers 200 --messages 20000 --batch 1     light load: latency
              confchat bench --scenario-statements 10000 > big.scenario
              confchat bench --run-scenario 10000 --json                 time it as confchat run does
              confchat bench --seed-way --json                           also the seed's way, same run
              sudo confchat bench --hosts 3 --peers 1000 --json          real peers over 3 namespaced hosts

            With --hosts N (root, or CAP_NET_ADMIN and CAP_SYS_ADMIN), the peers are real \
            nodes, each with its own data directory and endpoint, the peers of a host in one \
            process (a thread each), in a ring whose neighbours are on different hosts; the \
            registry runs on host 1. Each peer sends --messages-per-peer messages to the next, \
            one every --interval-ms; the bench reports delivered messages a second across \
            hosts and the latency from send to delivery (p50, p99, max), and fails unless \
            every message arrived once and in order.
            See docs/performance.md.
            """)

    @Option(help: "Virtual peers.")
    var peers: Int = 1000

    @Option(help: "Friends of each peer.")
    var friends: Int = 10

    @Option(help: "Messages to send.")
    var messages: Int = 200_000

    @Option(help: "ZeroMQ transport: inproc, ipc or tcp.")
    var transport: TransportKind = .inproc

    @Option(help: "Where peers and registry keep their state: memory or disk (SQLite).")
    var store: BenchOptions.Store = .memory

    @Option(help: "Seed for the friend graph and the load.")
    var seed: UInt64 = 1

    @Option(name: .customLong("group-size"), help: "Send every message to a group of this many members.")
    var groupSize: Int?

    @Option(help: "Sends issued before the network settles; 1 is light load (send one, drain).")
    var batch: Int = 1000

    @Option(name: .customLong("body-size"), help: "Bytes in each message body.")
    var bodySize: Int = 32

    @Option(help: "Set-up: commands (as users do) or bulk (state written straight to the stores, then log in).")
    var setup: BenchOptions.Setup = .commands

    @Flag(name: .customLong("commit-each"), help: "Disk store: commit each handled input on its own, as scenarios do, not a round at a time.")
    var commitEach = false

    @Flag(name: .customLong("no-raw"), help: "Skip the raw libzmq comparison.")
    var noRaw = false

    @Flag(name: .customLong("seed-way"),
          help: "Also time the seed's way (a fresh REQ socket a message, tcp loopback) in the same run: vs_seed.")
    var seedWay = false

    @Flag(name: .customLong("protocol-floor"),
          help: "Also run raw libzmq as the protocol's floor (CHAT, CHAT-ACK, two sealed BACKUPs a delivery): floor_ratio.")
    var protocolFloor = false

    @Option(name: .customLong("run-scenario"),
            help: "Generate a scenario of about this many statements and time it as confchat run runs it (data on disk).")
    var runScenario: Int?

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Option(help: "Run real peers over this many namespaced hosts instead of the simulator (needs root).")
    var hosts: Int?

    @Option(name: .customLong("messages-per-peer"), help: "With --hosts: messages each peer sends to the next in the ring.")
    var messagesPerPeer: Int = 20

    @Option(name: .customLong("interval-ms"), help: "With --hosts: milliseconds between two sends of one peer.")
    var intervalMs: Int = 100

    @Option(name: .customLong("scenario-statements"),
            help: "Print a generated scenario of about this many statements to stdout, and run nothing.")
    var scenarioStatements: Int?

    func run() throws {
        if let hosts {
            try runOverHosts(hosts)
            return
        }
        if let n = scenarioStatements {
            print(ScenarioGenerator(statements: n, seed: seed).text, terminator: "")
            return
        }
        if let n = runScenario {
            let result = try ScenarioBench(statements: n, seed: seed).run()
            Console.out(json ? result.json : result.table)
            if !result.failures.isEmpty { throw ExitCode(1) }
            return
        }
        var options = BenchOptions()
        options.peers = peers
        options.friends = friends
        options.messages = messages
        options.transport = transport
        options.store = store
        options.seed = seed
        options.groupSize = groupSize
        options.batch = batch
        options.bodySize = bodySize
        options.setup = setup
        options.commitEachInput = commitEach
        options.compareRaw = !noRaw
        options.seedWay = seedWay
        options.protocolFloor = protocolFloor
        let bar = ProgressBar()
        do {
            let runner = try BenchRunner(options: options)
            if bar.enabled { runner.progress = { bar.show($0.rawValue, $1) } }
            let result = try runner.run()
            bar.clear()
            Console.out(json ? result.json : result.table)
        } catch {
            // A refused send, a lost, duplicated or reordered message, a network that cannot
            // be built or a transport that stalls: all fail the bench loudly.
            bar.clear()
            Console.error("bench: \(error)")
            throw ExitCode(1)
        }
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar {
    let enabled = isatty(STDERR_FILENO) == 1
    private var last = ""

    func show(_ phase: String, _ fraction: Double) {
        let width = 30
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded())
        let line = "\(phase.padding(toLength: 11, withPad: " ", startingAt: 0)) ["
            + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] \(Int(fraction * 100))%"
        guard line != last else { return }
        last = line
        FileHandle.standardError.write(Data(("\r" + line).utf8))
    }

    func clear() {
        guard enabled, !last.isEmpty else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: last.count) + "\r").utf8))
        last = ""
    }
}

extension BenchOptions.Store: ExpressibleByArgument {}
extension BenchOptions.Setup: ExpressibleByArgument {}

extension BenchCommand {
    /// `--hosts N`: real peers over N namespaced hosts (`HostBench`); refused at once without the privileges.
    func runOverHosts(_ hosts: Int) throws {
        guard (2...HostNetwork.maxHosts).contains(hosts), peers >= 2, messagesPerPeer >= 1, intervalMs >= 0 else {
            Console.error("error: bench --hosts needs 2 to \(HostNetwork.maxHosts) hosts, at least 2 peers and 1 message a peer")
            throw ExitCode(2)
        }
        do { try HostPrivileges.system.verify() } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        HostNetwork.tearDownOnSignals()
        _ = FileDescriptorBudget.raiseLimit()
        let folder = NSTemporaryDirectory() + "confchat-bench-\(getpid())"
        var options = HostBench.Options(binary: RunCommand.executable, folder: folder)
        options.hosts = hosts
        options.peers = peers
        options.messagesPerPeer = messagesPerPeer
        options.intervalMs = intervalMs
        do {
            let result = try HostBench(options: options).run()
            Console.out(json ? result.json : result.table)
            if !result.ok {
                Console.error("bench: not every message arrived once and in order; logs in \(folder)")
                throw ExitCode(1)
            }
            try? FileManager.default.removeItem(atPath: folder)
        } catch let error as ProcessWorldError {
            Console.error("bench: \(error); logs in \(folder)")
            throw ExitCode(1)
        }
    }
}
