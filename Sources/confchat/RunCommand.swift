import ArgumentParser
import ConfChatCore
import ConfChatHosts
import ConfChatScenario
import ConfChatSimulator
import ConfChatTools
import Foundation

/// `confchat run PATH...`: runs scenarios and prints PASS/FAIL a scenario and a summary.
///
/// Scenarios run one after another on the main thread, their traces printed as they happen;
/// with `--jobs N`, N at a time, each on a thread of its own with its own simulator, and
/// everything they print is buffered and printed in input order, so the output is the same.
///
/// Whatever can be known before running is checked before running (report files that
/// cannot be written, names the diagram filter does not know, open-file limits), so a
/// mistake costs seconds, not a whole run.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files against a simulated network.",
        discussion: """
            Each PATH is a file or a folder (every .scenario below it, in name order). \
            Prints one PASS/FAIL line a scenario with its wall time, the failed scenarios \
            again, and a last line `N passed, N failed`. Exit status: 0 all passed, 1 any \
            failed, 2 usage or syntax error (or a report file that cannot be written).

            -k TEXT runs only the scenarios whose path contains TEXT (any of several -k). \
            -x stops after the first failing scenario.

            --trace-format json prints the trace as JSON Lines on stdout and nothing else \
            there: the PASS/FAIL lines and the summary go to stderr, so `> trace.jsonl` is \
            valid JSON Lines. Any --trace-format implies --trace.

            --diagram FILE.svg (or FILE.html: the SVG in a page) draws a sequence diagram of \
            each scenario: a lifeline a peer and the registry, an arrow a message. With \
            several scenarios, one file each, the scenario's name inserted before the \
            extension: out.svg -> out-basics.svg, out-groups.svg... (docs/diagrams.md).

            --jobs N runs N scenarios at a time; the output is the same as with one. On a \
            terminal, stderr shows progress: [12/40] running FILE, and for a long scenario \
            its statement and simulated clock.

            Before running, the open-file limit is raised to its hard limit and compared with \
            what the peers need (docs/performance.md); a run that does not fit is refused \
            with what to do.

            --processes runs the registry and every peer as processes of their own; --hosts N \
            (implies --processes, needs root) spreads them over N network namespaces of this \
            machine, each host its own address, and makes `partition` and `heal` in the \
            kernel; `network` conditions go through the runner's proxy in both modes. Each \
            scenario's placement is printed above its PASS/FAIL line.

            Examples:
              confchat run scenarios/
              confchat run scenarios/ -k group -x
              confchat run scenarios/basics.scenario --trace
              confchat run scenarios/basics.scenario --transport tcp --data /tmp/cc
              confchat run scenarios/ --trace-format json > trace.jsonl
              confchat run scenarios/basics.scenario --diagram basics.svg
              confchat run scenarios/ --diagram out/flow.html
              confchat run scenarios/partition.scenario --diagram p.svg \\
                  --diagram-filter alice,registry --diagram-all
              confchat run scenarios/basics.scenario --trace-format mermaid
              confchat run scenarios/ --jobs 8 --junit build/junit.xml
              confchat run scenarios/ --processes --time-scale 5
              sudo confchat run scenarios/ --hosts 3 --time-scale 5
            """)

    typealias TraceFormat = RunPlan.TraceFormat

    @Argument(help: "Scenario files or folders.", completion: .file(extensions: ["scenario"]))
    var paths: [String]

    @Option(help: "ZeroMQ transport for the whole run: inproc, ipc or tcp (overrides the file's `transport`).")
    var transport: TransportKind?

    @Option(parsing: .unconditional, help: "Seed for every random choice (overrides the file's `seed`).")
    var seed: UInt64?

    @Flag(help: "Print the message flow as it happens.")
    var trace = false

    @Option(name: .customLong("trace-format"),
            help: "Trace format, implies --trace: text, json (JSON Lines; the PASS/FAIL lines and summary then go to stderr) or mermaid (a Mermaid sequenceDiagram a scenario, printed when it ends).")
    var traceFormat: TraceFormat?

    @Option(help: "Keep the data directories here (DIR/registry, DIR/peers/NAME) instead of a temporary folder.",
            completion: .directory)
    var data: String?

    @Flag(name: .customLong("keep-going"), help: "Go on after a failing line and report every failure.")
    var keepGoing = false

    @Flag(name: [.customShort("x"), .customLong("exitfirst")], help: "Stop after the first failing scenario.")
    var exitFirst = false

    @Option(name: .customShort("k"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Run only the scenarios whose path contains this text, ignoring case (repeat for any of several).",
                               valueName: "text"))
    var filters: [String] = []

    @Option(help: ArgumentHelp("Write a sequence diagram of each scenario: FILE.svg, or FILE.html (the SVG in a page).",
                               valueName: "file"),
            completion: .file(extensions: ["svg", "html"]))
    var diagram: String?

    @Option(name: .customLong("diagram-filter"),
            help: ArgumentHelp("Diagrams (and --trace-format mermaid) show only these nodes, comma-separated, `registry` allowed; each must be a peer of a scenario that runs.",
                               valueName: "names"))
    var diagramFilter: String?

    @Flag(name: .customLong("diagram-all"),
          help: "Diagrams show HEARTBEAT, PING and PONG too (each run of them folded into one arrow with a count).")
    var diagramAll = false

    @Option(help: ArgumentHelp("Write a JUnit XML report (one testcase a scenario; the trace in system-out with --trace).",
                               valueName: "file"),
            completion: .file(extensions: ["xml"]))
    var junit: String?

    @Flag(help: "Run the registry and every peer as processes of their own (confchat registry, confchat peer: tcp, CURVE, real clock), driven through their control channels.")
    var processes = false

    @Option(help: ArgumentHelp("Run the processes (implies --processes) on this many hosts: network namespaces joined by a bridge, each its own address; `partition` and `heal` cut and heal hosts in the kernel, `network` conditions go through the runner's proxy. Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2.",
                               valueName: "n"))
    var hosts: Int?

    @Option(name: .customLong("time-scale"),
            help: ArgumentHelp("With --processes: run heartbeats, presence time-outs, retries, `wait` and `expect` budgets this many times faster than real time (a command still waits up to 2 s of real time for the registry).", valueName: "k"))
    var timeScale: Int64 = 1

    @Option(name: [.customShort("j"), .long], parsing: .unconditional,
            help: "Run this many scenarios at a time, each on its own thread and simulator (0: one a CPU core). Output is the same as with 1.")
    var jobs: Int = 1

    /// Usage errors: `ConfChat.main` makes them exit 2, as the scenario language promises.
    func validate() throws {
        if jobs < 0 { throw ValidationError("--jobs must be at least 1, or 0 for one a CPU core (got \(jobs))") }
        if let diagram, Self.diagramKind(diagram) == nil {
            throw ValidationError("--diagram '\(diagram)': the file must end in .svg or .html")
        }
        for name in diagramNames ?? [] where !PeerName.isValidUser(name) && name != PeerName.registry {
            throw ValidationError("--diagram-filter: '\(name)' is neither a peer name nor `registry`")
        }
        if diagramFilter != nil, diagramNames?.isEmpty ?? true { throw ValidationError("--diagram-filter needs at least one name") }
        if filters.contains(where: \.isEmpty) { throw ValidationError("-k needs a text to look for in scenario paths") }
        if !(1...1000).contains(timeScale) { throw ValidationError("--time-scale must be 1 to 1000 (got \(timeScale))") }
        if let hosts, !(1...HostNetwork.maxHosts).contains(hosts) {
            throw ValidationError("--hosts must be 1 to \(HostNetwork.maxHosts) (got \(hosts))")
        }
        if timeScale != 1, !onProcesses { throw ValidationError("--time-scale needs --processes (the simulator's clock is simulated)") }
        if onProcesses {
            let mode = hosts == nil ? "--processes" : "--hosts"
            if jobs != 1 { throw ValidationError("\(mode) runs one scenario at a time (--jobs 1)") }
            if trace || traceFormat != nil || diagram != nil {
                throw ValidationError("\(mode) has no trace or diagram yet: each process logs to processes/logs/ in the run's folder (--data)")
            }
            if transport != nil { throw ValidationError("\(mode) runs over tcp with CURVE; --transport is for the simulator") }
        }
    }

    /// `--processes`, or `--hosts N`, which implies it.
    var onProcesses: Bool { processes || hosts != nil }

    static func diagramKind(_ path: String) -> String? {
        let ext = (path as NSString).pathExtension.lowercased()
        return ["svg", "html", "htm"].contains(ext) ? ext : nil
    }

    var diagramNames: [String]? {
        diagramFilter.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// With `--trace-format json`, stdout carries JSON Lines only; the lines for people go to stderr.
    var humanOut: (String) -> Void {
        let toStderr = traceFormat == .json
        return { line in toStderr ? Console.error(line) : Console.out(line) }
    }

    func run() throws {
        if hosts != nil {
            // Refused at once, before anything is read or started, without the privileges.
            do { try HostPrivileges.system.verify() } catch {
                Console.error("error: \(error)")
                throw ExitCode(2)
            }
            HostNetwork.tearDownOnSignals()
        }
        let scenarios = try loadScenarios()
        try checkBeforeRunning(scenarios)

        let plan = plan(scenarios)
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1, total: scenarios.count)
        let diagramPaths = diagram.map { ReportPaths.perScenario($0, scenarios: scenarios.map(\.path)) }
        let human = humanOut
        // On processes the scenario's clock is real time (times --time-scale), not simulated.
        let clock = onProcesses ? "scenario time" : "simulated"
        var cases: [JUnitReport.Case] = []
        var failedOutcomes: [ScenarioOutcome] = []
        var passed = 0
        var skipped = 0
        var unwritable = false

        // Prints one finished scenario, in input order: its buffered trace, its diagram file,
        // the PASS/FAIL line.
        func report(_ index: Int, _ result: ScenarioResult) throws {
            progress.clear()
            result.traceLines.forEach(Console.out)
            if let error = result.error {
                Console.error("Error: \(error)")
                throw ExitCode(1)
            }
            if let reason = result.skipped {
                skipped += 1
                human("\(Console.paint("SKIP", "33")) \(scenarios[index].path)  (simulator-only: \(reason))")
                return
            }
            if let plan = result.hostPlan { human("hosts: \(plan)") }
            guard let outcome = result.outcome else { return }
            if let path = diagramPaths?[index], let text = result.diagram {
                unwritable = !Self.write(text, to: path) || unwritable
            }
            let wall = result.seconds.map { ", \(Self.wallTime($0))" } ?? ""
            if outcome.passed {
                passed += 1
                human("\(Console.paint("PASS", "32")) \(outcome.path)  (\(outcome.statementsRun) statements, \(outcome.simulatedTime) \(clock)\(wall))")
            } else {
                failedOutcomes.append(outcome)
                human("\(Console.paint("FAIL", "31;1")) \(outcome.path)  (\(outcome.simulatedTime) \(clock)\(wall))")
                for f in outcome.failures { human("  " + f.description.replacingOccurrences(of: "\n", with: "\n  ")) }
            }
            cases.append(JUnitReport.Case(outcome: outcome, seconds: result.seconds, systemOut: result.systemOut))
        }

        var reported = 0
        let workers = min(jobs == 0 ? ProcessInfo.processInfo.activeProcessorCount : jobs, scenarios.count)
        if workers <= 1 {
            // One at a time on this thread; the trace prints as it happens.
            for (i, scenario) in scenarios.enumerated() {
                progress.show(done: i, running: scenario.path)
                let live: TracePrinter? = plan.tracing && plan.traceFormat != .mermaid
                    ? TracePrinter(format: plan.traceFormat == .json ? .json : .text, color: plan.color,
                                   write: { progress.clear(); Console.out($0) })
                    : nil
                try report(i, plan.execute(scenario, live: live, progress: progress))
                reported += 1
                if exitFirst, !failedOutcomes.isEmpty { break }
            }
        } else {
            let pool = WorkerPool(count: scenarios.count, workers: workers, name: "confchat-run") { i in
                plan.execute(scenarios[i], live: nil)
            }
            pool.start()
            for i in scenarios.indices {
                // Not cancelled before this one: a result always comes.
                guard let result = pool.wait(for: i, progress: { done, running in
                    let oldest = scenarios[running.min() ?? i].path
                    let others = max(running.count - 1, 0)
                    progress.show(done: done, running: oldest + (others > 0 ? " (+\(others) more)" : ""))
                }) else { break }
                try report(i, result)
                reported += 1
                if exitFirst, !failedOutcomes.isEmpty { pool.cancel(); break }
            }
        }
        progress.clear()

        if let junit {
            let xml = JUnitReport(cases: cases).xml()
            unwritable = !Self.write(xml, to: junit) || unwritable
        }
        if reported < scenarios.count {
            let left = scenarios.count - reported
            human("stopped after the first failure (-x): \(left) scenario\(left == 1 ? "" : "s") not run")
        }
        // As pytest does: the failures once more, right above the summary, so they are the
        // last thing on screen after a long run.
        for outcome in failedOutcomes {
            let first = outcome.failures.first.map { " (\($0.location.file):\($0.location.line): \(ScenarioText.excerpt($0.source, limit: 80)))" } ?? ""
            human("\(Console.paint("FAILED", "31;1")) \(outcome.path)\(first)")
        }
        human("\(passed) passed, \(failedOutcomes.count) failed" + (skipped > 0 ? ", \(skipped) skipped (simulator-only)" : ""))
        if unwritable { throw ExitCode(2) }
        if !failedOutcomes.isEmpty { throw ExitCode(1) }
    }

    /// `0.31s`, `12.4s`, `2m 5s`: a scenario's wall time.
    static func wallTime(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.2fs", seconds) }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        return "\(Int(seconds) / 60)m \(Int(seconds) % 60)s"
    }

    /// Writes a report file, making its folder; false (and a message) if it cannot.
    static func write(_ text: String, to path: String) -> Bool {
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return true
        } catch {
            Console.error("error: cannot write \(path): \(error.localizedDescription)")
            return false
        }
    }
}

extension RunCommand {
    /// The plan every scenario of this run follows.
    func plan(_ scenarios: [Scenario]) -> RunPlan {
        RunPlan(scenarios: scenarios, transport: transport, seed: seed, keepGoing: keepGoing, data: data,
                trace: trace, traceFormat: traceFormat, diagramKind: diagram.flatMap(Self.diagramKind),
                diagramOptions: SequenceDiagram.Options(only: diagramNames, showKeepalives: diagramAll), junit: junit != nil,
                processes: onProcesses ? RunPlan.Processes(binary: Self.executable, timeScale: timeScale, hosts: hosts) : nil)
    }
}

extension RunCommand {
    /// This very executable, which `--processes` launches as `confchat registry` and `confchat peer`.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

extension TransportKind: ExpressibleByArgument {}
extension TracePrinter.Format: ExpressibleByArgument {}
extension RunPlan.TraceFormat: ExpressibleByArgument {}
