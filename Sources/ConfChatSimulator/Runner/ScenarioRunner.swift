import ConfChatCore
import ConfChatScenario
import Foundation

/// Runs a parsed scenario against a fresh simulator, statement by statement.
///
/// After every action the network settles; an `expect` that does not hold yet is retried
/// as simulated time advances in 100 ms steps, up to its budget (scenario-language.md,
/// "How a run proceeds").
public final class ScenarioRunner {
    public struct Options {
        /// Overrides the scenario's `transport` directive (the command line's `--transport`).
        public var transport: TransportKind?
        /// Overrides the scenario's `seed` directive.
        public var seed: UInt64?
        /// Where the data directories go; nil keeps them in memory.
        public var dataDirectory: String?
        /// Go on after a failing line and report every failure.
        public var keepGoing = false
        public var trace: (any TraceSink)?
        /// Called before each statement runs (`confchat run`'s progress line).
        public var onStatement: ((Statement) -> Void)?
        /// Leave the simulator running after `run()` (`confchat attach` goes on with the same
        /// network); the caller then shuts it down.
        public var keepRunning = false

        public init(transport: TransportKind? = nil, seed: UInt64? = nil, dataDirectory: String? = nil,
                    keepGoing: Bool = false, trace: (any TraceSink)? = nil, keepRunning: Bool = false) {
            self.transport = transport
            self.seed = seed
            self.dataDirectory = dataDirectory
            self.keepGoing = keepGoing
            self.trace = trace
            self.keepRunning = keepRunning
        }
    }

    /// Simulated time between two checks of an expectation that does not hold yet.
    static let pollStep: Int64 = 100

    let scenario: Scenario
    let options: Options
    let sim: Simulator
    package var budget: Int64 = 5000
    var failures: [ScenarioOutcome.Failure] = []

    public init(scenario: Scenario, options: Options) throws {
        self.scenario = scenario
        self.options = options
        var transport = TransportKind.inproc
        var seed: UInt64 = 1
        var presence: Int64 = 5000
        // Directives set up the whole run, wherever they stand in the file.
        for s in scenario.statements {
            switch s.kind {
            case let .transport(t): transport = t
            case let .seed(n): seed = n
            case let .presenceTimeout(d): presence = d.milliseconds
            default: break
            }
        }
        let simOptions = SimOptions(
            transport: options.transport ?? transport, seed: options.seed ?? seed, presenceTimeout: presence,
            storage: options.dataDirectory.map { .disk($0) } ?? .memory)
        sim = try Simulator(options: simOptions, trace: options.trace)
    }

    public var simulator: Simulator { sim }

    /// Runs every statement; stops at the first failure unless `keepGoing`.
    public func run() -> ScenarioOutcome {
        var count = 0
        for statement in scenario.statements {
            count += 1
            runOne(statement)
            if !failures.isEmpty && !options.keepGoing { break }
        }
        if !options.keepRunning { sim.shutDown() }
        return ScenarioOutcome(path: scenario.path, failures: failures, statementsRun: count, simulatedTime: sim.now)
    }

    /// Runs one more statement on this runner's simulator, exactly as `run()` runs each line
    /// (the attached prompt's `@bob ...` and network lines). Returns the failures it caused:
    /// empty when the line held.
    public func run(_ statement: Statement) -> [ScenarioOutcome.Failure] {
        let before = failures.count
        runOne(statement)
        return Array(failures[before...])
    }

    private func runOne(_ statement: Statement) {
        options.onStatement?(statement)
        sim.emit(.statement(location: "\(statement.location.file):\(statement.location.line)", source: statement.source))
        do {
            try execute(statement)
        } catch {
            fail(statement, "simulator error: \(error)")
        }
    }

    func fail(_ s: Statement, _ detail: String) {
        failures.append(.init(location: s.location, source: s.source, detail: detail))
        sim.emit(.outcome(location: "\(s.location.file):\(s.location.line)", ok: false, detail: detail))
    }

    private func execute(_ s: Statement) throws {
        switch s.kind {
        case let .peers(names): try sim.declare(names)
        case .transport, .seed, .presenceTimeout: break
        case let .timeout(d): budget = d.milliseconds
        case let .action(action, expectRefusal):
            let refusal = try sim.perform(action)
            switch (refusal, expectRefusal) {
            case (nil, false): break
            case let (failure?, true):
                sim.emit(.outcome(location: "\(s.location.file):\(s.location.line)", ok: true, detail: "refused as expected: \(failure)"))
            case let (failure?, false): fail(s, "refused: \(failure)")
            case (nil, true): fail(s, "expected a refusal, but the action succeeded")
            }
        case let .expect(expectation, within):
            try check(expectation, budget: within?.milliseconds ?? budget, statement: s)
        }
    }

    /// Checks an expectation, advancing simulated time in steps until it holds or the budget is spent.
    private func check(_ e: Expectation, budget: Int64, statement: Statement) throws {
        try sim.settle()
        let deadline = sim.now + budget
        while true {
            let (holds, actual) = try evaluate(e)
            if holds { return }
            if sim.now >= deadline {
                return fail(statement, actual + " (after waiting \(ScenarioDuration(milliseconds: budget)))")
            }
            try sim.advance(by: Self.nextPoll(now: sim.now, deadline: deadline, nextTimer: sim.nextTimerDue) - sim.now)
        }
    }

    /// The instant of the next check of an expectation that does not hold: one `pollStep` on,
    /// or, when no timer falls due before then, the first step at or after the next timer (or
    /// the deadline). Nothing can change while no timer fires, so the checks skipped would all
    /// have failed alike: the run ends at the same instant with the same trace, but a
    /// `within 24h` on a quiet network takes a few checks instead of 864,000.
    package static func nextPoll(now: SimInstant, deadline: SimInstant, nextTimer: SimInstant?) -> SimInstant {
        let remaining = deadline - now
        guard let due = nextTimer, due < deadline else { return deadline }
        let steps = max(1, (due - now + pollStep - 1) / pollStep)
        return now + min(remaining, steps * pollStep)
    }
}
