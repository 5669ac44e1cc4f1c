import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import ConfChatStandalone

/// What the prompt can do beyond its own peer: act as other peers and play god with the
/// network. Only `confchat attach` has one (a simulated network); a standalone peer has none.
public protocol PromptNetwork: AnyObject {
    /// Every peer of the network, sorted: for `@NAME`, `crash NAME` and tab completion.
    var peerNames: [String] { get }
    /// Runs one line written exactly as in a scenario file (`bob send alice "hi"`, `wait 5s`,
    /// `expect alice sees bob online`, `! bob login wrong`) and says how it went.
    func runStatement(_ source: String) -> [PeerPrompt.Line]
    /// Where a long statement reports how far it got, while it runs.
    var progress: ((String) -> Void)? { get set }
    /// A console reading another peer's state, for `@bob messages alice`; nil if no such peer.
    func console(for name: String) -> (any PeerConsole)?
}

/// The simulated network behind `confchat attach`: a `ScenarioRunner` whose simulator keeps
/// running after the setup scenario, and runs each further line through the runner's own
/// code path (`ScenarioRunner.run(_:)`), so a line at the prompt means exactly what it means
/// in a scenario file.
public final class AttachedNetwork: PromptNetwork {
    public let runner: ScenarioRunner
    public let scenario: Scenario
    private let tap: OutcomeTap
    /// Lines typed so far, for the file name diagnostics show (`<prompt>:LINE`).
    private var lineNumber = 0
    public var progress: ((String) -> Void)?
    /// Wall-clock milliseconds between two progress lines of a long `wait` or `expect`.
    public var progressEveryMs: Int64 = 1000

    /// Sets up the network for `scenario` (not yet run: call `runSetup()`). `options.trace`,
    /// if any, still sees every trace event.
    public init(scenario: Scenario, options: ScenarioRunner.Options) throws {
        self.scenario = scenario
        tap = OutcomeTap(next: options.trace)
        var options = options
        options.trace = tap
        options.keepRunning = true
        runner = try ScenarioRunner(scenario: scenario, options: options)
    }

    /// A runner made by `ScenarioRunner(scenario:options:)` always runs on a simulator.
    public var simulator: Simulator { runner.simulator! }

    public var peerNames: [String] { simulator.peerNames }

    public func console(for name: String) -> (any PeerConsole)? {
        peerNames.contains(name) ? SimulatorConsole(simulator: simulator, name: name, observing: false) : nil
    }

    /// Runs the setup scenario; the simulator keeps running afterwards.
    public func runSetup() -> ScenarioOutcome { runner.run() }

    /// Closes every socket.
    public func shutDown() { simulator.shutDown() }

    public func runStatement(_ source: String) -> [PeerPrompt.Line] {
        lineNumber += 1
        let peers = peerNames
        // A `peers` line first, so the parser knows every peer of the running network.
        let header = peers.isEmpty ? "" : "peers " + peers.joined(separator: " ")
        let path = "<prompt>"
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.parse(source: header + "\n" + source, path: path)
        } catch {
            let ours = error.diagnostics.filter { $0.location.line == 2 }
            let shown = ours.isEmpty ? error.diagnostics : ours
            return shown.map { .error("error: \($0.message)") }
        }
        let statements = scenario.statements.filter { $0.location.line == 2 }
        guard let statement = statements.first else { return [] }
        switch statement.kind {
        case .transport, .seed, .presenceTimeout:
            return [.error("error: '\(statement.source.split(separator: " ").first ?? "")' is set when the network starts; use the command line options of confchat attach")]
        default:
            break
        }
        tap.last = nil
        // A `wait 999999h` runs for hours of real time: say how far it got now and then, and
        // stop it on Ctrl-C or SIGTERM (the prompt's signal handlers set the flags).
        let clock = HostClock.monotonicMilliseconds
        var nextReport = clock() + progressEveryMs
        let started = simulator.now
        // An expect moves time in short steps up to its budget: the goal shown is the budget.
        let goal: SimInstant? = if case let .expect(_, within) = statement.kind { started + (within?.milliseconds ?? runner.budget) } else { nil }
        simulator.watch = { [progress, progressEveryMs] now, target in
            if let stop = PromptInterrupt.takeStop() { throw stop }
            guard let progress, clock() >= nextReport else { return }
            nextReport = clock() + progressEveryMs
            progress("... \(Self.roughly(now - started)) of \(Self.roughly((goal ?? target) - started)) simulated (Ctrl-C stops)")
        }
        defer { simulator.watch = nil }
        let numbered = Statement(
            location: SourceLocation(file: path, line: lineNumber, column: statement.location.column),
            source: statement.source, kind: statement.kind)
        let failures = runner.run(numbered)
        if let failure = failures.first {
            var detail = failure.detail
            // A stop (Ctrl-C, SIGTERM) first: an expect cut short has not failed.
            for stop in [PromptInterrupt.Stop.interrupted, .terminated] where detail == "simulator error: \(stop)" {
                return [.error("error: \(stop) after \(Self.roughly(simulator.now - started)) simulated")]
            }
            if case .expect = statement.kind { return [.error("expectation failed: \(detail)")] }
            if detail.hasPrefix("refused: ") { detail.removeFirst("refused: ".count) }
            return [.error("error: \(detail)")]
        }
        switch statement.kind {
        case .expect: return [.result("ok: holds")]
        case let .action(action, expectRefusal):
            if expectRefusal, let detail = tap.last { return [.result("ok: \(detail)")] }
            if case .wait = action { return [.result("ok (simulated time is now \(simulator.now))")] }
            return [.result("ok")]
        case let .peers(names): return [.result("started \(names.joined(separator: " "))")]
        case let .timeout(d): return [.result("expect now waits up to \(d) by default")]
        default: return [.result("ok")]
        }
    }
}

extension AttachedNetwork {
    /// A duration to the second, in its two largest units: "3h 30m", "12m 5s", "42s".
    static func roughly(_ ms: Int64) -> String {
        let s = ms / 1000
        let parts = [(s / 86400, "d"), (s / 3600 % 24, "h"), (s / 60 % 60, "m"), (s % 60, "s")]
        guard let first = parts.firstIndex(where: { $0.0 > 0 }) else { return "\(ms)ms" }
        return parts[first...].prefix(2).filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}

/// Passes trace events on, keeping the detail of the last successful outcome
/// ("refused as expected: wrong password") for the prompt to show.
final class OutcomeTap: TraceSink {
    let next: (any TraceSink)?
    var last: String?

    init(next: (any TraceSink)?) { self.next = next }

    func record(_ event: TraceEvent) {
        if case let .outcome(_, ok, detail) = event.kind, ok { last = detail }
        next?.record(event)
    }
}
