import ArgumentParser
import ConfChatNode
import ConfChatScenario
import Foundation

/// `confchat run PATH...`: runs scenarios and prints PASS/FAIL a scenario and a summary.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files against a simulated network.",
        discussion: """
            Each PATH is a file or a folder (every .scenario below it, in name order). Prints one
            PASS/FAIL line a scenario and a last line `N passed, N failed`.
            Exit status: 0 all passed, 1 any failed, 2 usage or syntax error.

            Examples:
              confchat run scenarios/
              confchat run scenarios/basics.scenario --trace
              confchat run scenarios/basics.scenario --transport tcp --data /tmp/cc
              confchat run scenarios/ --trace --trace-format json > trace.jsonl
            """)

    @Argument(help: "Scenario files or folders.")
    var paths: [String]

    @Option(help: "ZeroMQ transport for the whole run: inproc, ipc or tcp (overrides the file's `transport`).")
    var transport: TransportKind?

    @Option(help: "Seed for every random choice (overrides the file's `seed`).")
    var seed: UInt64?

    @Flag(help: "Print the message flow as it happens.")
    var trace = false

    @Option(name: .customLong("trace-format"), help: "Trace format: text or json (JSON Lines).")
    var traceFormat: TracePrinter.Format = .text

    @Option(help: "Keep the data directories here (DIR/registry, DIR/peers/NAME) instead of a temporary folder.")
    var data: String?

    @Flag(name: .customLong("keep-going"), help: "Go on after a failing line and report every failure.")
    var keepGoing = false

    func run() throws {
        let files: [String]
        var scenarios: [Scenario] = []
        var errors: [Diagnostic] = []
        do { files = try ScenarioLoader.scenarioFiles(in: paths) } catch {
            error.diagnostics.forEach { Console.error($0.rendered()) }
            throw ExitCode(2)
        }
        for file in files {
            do { scenarios.append(try ScenarioLoader.load(path: file)) } catch { errors += error.diagnostics }
        }
        guard errors.isEmpty else {
            var seen = Set<String>()
            for d in errors where seen.insert(d.rendered()).inserted { Console.error(d.rendered()) }
            throw ExitCode(2)
        }
        let printer: TracePrinter? = trace
            ? TracePrinter(format: traceFormat, color: TracePrinter.wantsColor(), write: Console.out) : nil
        var passed = 0, failed = 0
        for scenario in scenarios {
            let dir = try dataDirectory(for: scenario, many: scenarios.count > 1)
            defer { if data == nil { try? FileManager.default.removeItem(atPath: dir) } }
            let runner = try ScenarioRunner(
                scenario: scenario,
                options: .init(transport: transport, seed: seed, dataDirectory: dir, keepGoing: keepGoing, trace: printer))
            let outcome = runner.run()
            if outcome.passed {
                passed += 1
                Console.out("\(Console.paint("PASS", "32")) \(scenario.path)  (\(outcome.statementsRun) statements, \(outcome.simulatedTime) simulated)")
            } else {
                failed += 1
                Console.out("\(Console.paint("FAIL", "31;1")) \(scenario.path)")
                for f in outcome.failures { Console.out("  " + f.description.replacingOccurrences(of: "\n", with: "\n  ")) }
            }
        }
        Console.out("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }

    /// A fresh folder for one scenario's data: under `--data` (one subfolder a scenario when
    /// several run), else in the system's temporary folder.
    private func dataDirectory(for scenario: Scenario, many: Bool) throws -> String {
        let base: String
        if let data {
            let stem = ((scenario.path as NSString).lastPathComponent as NSString).deletingPathExtension
            base = many ? (data as NSString).appendingPathComponent(stem) : data
        } else {
            base = NSTemporaryDirectory() + "confchat-\(getpid())-\(UUID().uuidString.prefix(8))"
        }
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }
}

extension TransportKind: ExpressibleByArgument {}
extension TracePrinter.Format: ExpressibleByArgument {}
