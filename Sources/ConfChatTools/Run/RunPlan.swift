import ConfChatScenario
import ConfChatSimulator
import ConfChatStorage
import Foundation

/// Everything a scenario's run needs from `confchat run`'s options, as plain values a worker
/// thread can take, and how to run one scenario with them (`execute`): its simulator, its
/// trace in the format asked for, its diagram and its JUnit output.
package struct RunPlan: Sendable {
    /// How `--processes` runs: the `confchat` executable to launch, `--time-scale`, and
    /// `--hosts N` (nil: every process on this machine's loopback).
    package struct Processes: Sendable {
        package var binary: String
        package var timeScale: Int64
        package var hosts: Int?
        package init(binary: String, timeScale: Int64, hosts: Int? = nil) {
            self.binary = binary
            self.timeScale = timeScale
            self.hosts = hosts
        }
    }

    /// What `--trace-format` can be. `mermaid` prints a diagram a scenario when it ends.
    package enum TraceFormat: String, CaseIterable, Sendable {
        case text, json, mermaid
    }

    package var scenarios: [Scenario]
    package var transport: TransportKind?
    package var seed: UInt64?
    package var keepGoing: Bool
    package var data: String?
    package var tracing: Bool
    package var traceFormat: TraceFormat
    package var color: Bool
    package var diagramKind: String?
    package var diagramOptions: SequenceDiagram.Options
    package var junit: Bool
    /// `--processes`: run each scenario on real processes instead of the simulator.
    package var processes: Processes?
    /// `--data`: the folder of each scenario (DIR itself for one; DIR/STEM, DIR/STEM-2... for several).
    var dataFolders: [String: String] = [:]

    /// - Parameters:
    ///   - data: `--data`, the folder to keep data directories in; nil for temporary ones.
    ///   - traceFormat: nil when no trace is asked for (`--trace` alone is text).
    ///   - diagramKind: `svg`, `html` or `htm` for `--diagram`, nil for none.
    package init(scenarios: [Scenario], transport: TransportKind?, seed: UInt64?, keepGoing: Bool, data: String?,
                 trace: Bool, traceFormat: TraceFormat?, diagramKind: String?, diagramOptions: SequenceDiagram.Options,
                 junit: Bool, processes: Processes? = nil) {
        self.scenarios = scenarios
        self.processes = processes
        if let data {
            let folders = ReportPaths.perScenarioFolders(data, scenarios: scenarios.map(\.path))
            dataFolders = Dictionary(zip(scenarios.map(\.path), folders), uniquingKeysWith: { a, _ in a })
        }
        self.transport = transport
        self.seed = seed
        self.keepGoing = keepGoing
        self.data = data
        tracing = trace || traceFormat != nil
        self.traceFormat = traceFormat ?? .text
        color = TracePrinter.wantsColor()
        self.diagramKind = diagramKind
        self.diagramOptions = diagramOptions
        self.junit = junit
    }

    /// Runs one scenario on the calling thread. `live` prints the trace as it happens; else
    /// the trace, if wanted, comes back as lines.
    package func execute(_ scenario: Scenario, live: TracePrinter?, progress: (any RunProgress)? = nil) -> ScenarioResult {
        var result = ScenarioResult()
        if processes != nil, let reason = SimulatorOnlyMarker.reason(inFileAt: scenario.path) {
            result.skipped = reason
            return result
        }
        let needEvents = diagramKind != nil || (tracing && (live == nil || junit))
        let recorder = needEvents ? TraceRecorder() : nil
        let sinks: [any TraceSink] = [live as (any TraceSink)?, recorder].compactMap { $0 }
        let sink: (any TraceSink)? = sinks.isEmpty ? nil : (sinks.count == 1 ? sinks[0] : TraceTee(sinks))
        do {
            let dir = try dataDirectory(for: scenario)
            defer { if data == nil { try? FileManager.default.removeItem(atPath: dir) } }
            var options = ScenarioRunner.Options(transport: transport, seed: seed, dataDirectory: dir, keepGoing: keepGoing, trace: sink)
            options.onStatement = progress.map { line in { line.statement($0) } }
            let runner = try makeRunner(scenario, options: options, folder: dir, hostPlan: &result.hostPlan)
            if let progress { runner.simulator?.watch = { now, _ in progress.tick(now) } }
            let start = Date()
            result.outcome = runner.run()
            result.seconds = Date().timeIntervalSince(start)
        } catch {
            result.error = "\(error)"
        }
        let events = recorder?.events ?? []
        let model = needEvents && (diagramKind != nil || traceFormat == .mermaid)
            ? SequenceDiagram.build(title: scenario.path, events: events, peers: scenario.declaredPeers, options: diagramOptions)
            : nil

        if tracing {
            let mermaid = traceFormat == .mermaid ? model.map { SequenceDiagramMermaid($0).text() } : nil
            if let mermaid {
                result.traceLines = [String(mermaid.dropLast())]
            } else if live == nil {
                result.traceLines = events.map { traceFormat == .json ? TraceFormatter.json($0) : TraceFormatter.text($0, color: color) }
            }
            if junit {
                result.systemOut = mermaid ?? events.map { traceFormat == .json ? TraceFormatter.json($0) : TraceFormatter.text($0, color: false) }
                    .joined(separator: "\n") + "\n"
            }
        }
        if let kind = diagramKind, let model {
            let svg = SequenceDiagramSVG(model)
            result.diagram = kind == "svg" ? svg.document() : svg.htmlPage()
        }
        return result
    }

    /// A runner on the simulator, or on processes (their data directories and logs in
    /// FOLDER/processes, replaced at each run), with `--hosts` on hosts of their own (which
    /// node is where goes to `hostPlan`).
    private func makeRunner(_ scenario: Scenario, options: ScenarioRunner.Options, folder: String,
                            hostPlan: inout String?) throws -> ScenarioRunner {
        guard let processes else { return try ScenarioRunner(scenario: scenario, options: options) }
        let dir = (folder as NSString).appendingPathComponent("processes")
        try? FileManager.default.removeItem(atPath: dir)
        let hosts = try processes.hosts.map { try ProcessHosts(plan: HostPlan(scenario: scenario, hostCount: $0)) }
        hostPlan = hosts?.description
        let world: ProcessWorld
        do {
            world = try ProcessWorld(options: .init(
                binary: processes.binary, folder: dir, timeScale: processes.timeScale,
                presenceTimeout: ScenarioRunner.settings(scenario).presenceTimeout,
                placement: hosts.map { .hosts($0) } ?? .loopback,
                seed: seed ?? ScenarioRunner.settings(scenario).seed))
        } catch {
            hosts?.tearDown()
            throw error
        }
        return ScenarioRunner(scenario: scenario, world: world, options: options)
    }

    /// A fresh folder for one scenario's data: under `--data` (one subfolder a scenario when
    /// several run), else in the system's temporary folder.
    /// The data folder of one scenario. Under `--data`, what an earlier run left there
    /// (`registry/`, `peers/`) is removed first, so every run starts from empty data
    /// directories; `RunDataFolder` refuses a folder holding anything a run did not make.
    private func dataDirectory(for scenario: Scenario) throws -> String {
        let base: String
        if let folder = dataFolders[scenario.path] {
            base = folder
            try RunDataFolder.prepare(base)
        } else {
            base = NSTemporaryDirectory() + "confchat-\(getpid())-\(UUID().uuidString.prefix(8))"
        }
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }
}
