import ConfChatScenario
import ConfChatSimulator
import Foundation

/// The generated scenario as `confchat run` runs it: written to a file, loaded and checked,
/// then run by `ScenarioRunner` with its data on disk (a temporary folder, as `confchat run`
/// makes one when `--data` is not given), on the calling thread. What it times is what
/// `time confchat run gen.scenario` times, less starting the process.
public struct ScenarioBench {
    public struct Result: Sendable {
        public var statements = 0
        public var seconds = 0.0
        public var failures: [String] = []

        public var json: String {
            "{\"scenario_statements\": \(statements), \"scenario_seconds\": \(fixed(seconds, 3)), "
                + "\"scenario_passed\": \(failures.isEmpty)}"
        }

        public var table: String {
            "scenario  \(statements) statements in \(fixed(seconds, 3)) s, "
                + (failures.isEmpty ? "passed" : "FAILED:\n" + failures.joined(separator: "\n"))
        }
    }

    public let statements: Int
    public let seed: UInt64

    public init(statements: Int, seed: UInt64) {
        self.statements = statements
        self.seed = seed
    }

    public func run() throws -> Result {
        let folder = NSTemporaryDirectory() + "confchat-scenario-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = ScenarioGenerator(statements: statements, seed: seed)
        let path = folder + "/generated.scenario"
        try generated.text.write(toFile: path, atomically: false, encoding: .utf8)
        let start = BenchClock.nanoseconds()
        let scenario = try ScenarioLoader.load(path: path)
        let runner = try ScenarioRunner(scenario: scenario, options: ScenarioRunner.Options(dataDirectory: folder + "/data"))
        let outcome = runner.run()
        var result = Result()
        result.seconds = BenchClock.seconds(since: start)
        result.statements = generated.statementCount
        result.failures = outcome.failures.map(\.description)
        return result
    }
}
