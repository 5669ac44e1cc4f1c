import ConfChatScenario
import Foundation
import Testing

/// Every scenario under `scenarios/` passes on every transport, run in process through
/// `ScenarioRunner`, with its data on disk as `confchat run` keeps it.
@Suite struct ScenarioFileTests {
    @Test("the repository has scenarios to run")
    func scenariosExist() {
        #expect(E2ESupport.scenarioFiles.contains("scenarios/basics.scenario"))
        #expect(E2ESupport.scenarioFiles.count >= 14)
    }

    @Test("scenario passes", arguments: E2ESupport.scenarioFiles, TransportKind.allCases)
    func scenarioPasses(file: String, transport: TransportKind) throws {
        let data = try E2ESupport.temporaryFolder()
        defer { E2ESupport.remove(data) }
        let outcome = try E2ESupport.run(
            file: E2ESupport.absolute(file), options: .init(transport: transport, dataDirectory: data))
        guard let outcome else { return }
        #expect(outcome.passed, "\(file) on \(transport):\n\(E2ESupport.report(outcome))")
        #expect(outcome.statementsRun > 0)
    }

    @Test("scenario passes with in-memory stores", arguments: E2ESupport.scenarioFiles)
    func scenarioPassesInMemory(file: String) throws {
        let outcome = try E2ESupport.run(file: E2ESupport.absolute(file), options: .init(transport: .inproc))
        guard let outcome else { return }
        #expect(outcome.passed, "\(file) in memory:\n\(E2ESupport.report(outcome))")
    }
}
