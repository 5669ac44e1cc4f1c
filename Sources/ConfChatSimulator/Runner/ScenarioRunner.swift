import ConfChatCore
import ConfChatScenario
import Foundation

/// Runs a parsed scenario statement by statement, against a fresh simulator or another
/// `ScenarioWorld` (real processes).
///
/// After every action the network settles; an `expect` that does not hold yet is retried
/// as time advances in 100 ms steps, up to its budget (scenario-language.md, "How a run
/// proceeds").
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
    public static let pollStep: Int64 = 100

    let scenario: Scenario
    let options: Options
    let world: any ScenarioWorld
    /// The simulator, when the world is one (nil on processes).
    public let simulator: Simulator?
    package var budget: Int64 = 5000
    var failures: [ScenarioOutcome.Failure] = []

    public convenience init(scenario: Scenario, options: Options) throws {
        let settings = Self.settings(scenario)
        let simOptions = SimOptions(
            transport: options.transport ?? settings.transport, seed: options.seed ?? settings.seed,
            presenceTimeout: settings.presenceTimeout, storage: options.dataDirectory.map { .disk($0) } ?? .memory)
        let sim = try Simulator(options: simOptions, trace: options.trace)
        self.init(scenario: scenario, world: sim, simulator: sim, options: options)
    }

    /// A runner on another world (real processes); `options.transport` and `seed` are the
    /// world's business there.
    public convenience init(scenario: Scenario, world: any ScenarioWorld, options: Options) {
        self.init(scenario: scenario, world: world, simulator: world as? Simulator, options: options)
    }

    private init(scenario: Scenario, world: any ScenarioWorld, simulator: Simulator?, options: Options) {
        self.scenario = scenario
        self.options = options
        self.world = world
        self.simulator = simulator
    }

    /// The directives, which set up the whole run wherever they stand in the file.
    public static func settings(_ scenario: Scenario) -> (transport: TransportKind, seed: UInt64, presenceTimeout: Int64) {
        var transport = TransportKind.inproc
        var seed: UInt64 = 1
        var presence: Int64 = 5000
        for s in scenario.statements {
            switch s.kind {
            case let .transport(t): transport = t
            case let .seed(n): seed = n
            case let .presenceTimeout(d): presence = d.milliseconds
            default: break
            }
        }
        return (transport, seed, presence)
    }

    /// Runs every statement; stops at the first failure unless `keepGoing`.
    public func run() -> ScenarioOutcome {
        var count = 0
        for statement in scenario.statements {
            count += 1
            runOne(statement)
            if !failures.isEmpty && !options.keepGoing { break }
        }
        if !options.keepRunning { world.shutDown() }
        return ScenarioOutcome(path: scenario.path, failures: failures, statementsRun: count, simulatedTime: world.now)
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
        world.emit(.statement(location: "\(statement.location.file):\(statement.location.line)", source: statement.source))
        do {
            try execute(statement)
        } catch {
            fail(statement, "\(simulator == nil ? "error" : "simulator error"): \(error)")
        }
    }

    func fail(_ s: Statement, _ detail: String) {
        failures.append(.init(location: s.location, source: s.source, detail: detail))
        world.emit(.outcome(location: "\(s.location.file):\(s.location.line)", ok: false, detail: detail))
    }

    private func execute(_ s: Statement) throws {
        switch s.kind {
        case let .peers(names): try world.declare(names)
        case .transport, .seed, .presenceTimeout: break
        case let .timeout(d):
            // The budget of expectations, and of the simulated peers' registry requests.
            budget = d.milliseconds
            simulator?.requestBudget = d.milliseconds
        case let .action(action, expectRefusal):
            let refusal = try world.perform(action)
            switch (refusal, expectRefusal) {
            case (nil, false): break
            case let (failure?, true):
                world.emit(.outcome(location: "\(s.location.file):\(s.location.line)", ok: true, detail: "refused as expected: \(failure)"))
            case let (failure?, false): fail(s, "refused: \(failure)")
            case (nil, true): fail(s, "expected a refusal, but the action succeeded")
            }
        case let .expect(expectation, within):
            try check(expectation, budget: within?.milliseconds ?? budget, statement: s)
        }
    }

    /// Checks an expectation, letting time pass in steps until it holds or the budget is spent.
    private func check(_ e: Expectation, budget: Int64, statement: Statement) throws {
        try world.settle()
        let deadline = world.now + budget
        while true {
            let (holds, found) = try evaluate(e)
            if holds { return }
            if world.now >= deadline {
                return fail(statement, found() + " (after waiting \(ScenarioDuration(milliseconds: budget)))")
            }
            try world.awaitNextCheck(deadline: deadline)
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
