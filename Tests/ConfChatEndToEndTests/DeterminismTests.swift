import ConfChatScenario
import ConfChatSimulator
import Foundation
import Testing

/// Same file, inproc, same seed: the same trace, event for event and byte for byte
/// (scenario-language.md, "How a run proceeds", rule 5).
@Suite struct DeterminismTests {
    /// Runs a scenario file on inproc and returns its trace.
    private func trace(_ file: String, seed: UInt64? = nil) throws -> [TraceEvent]? {
        let recorder = TraceRecorder()
        let outcome = try E2ESupport.run(
            file: E2ESupport.absolute(file), options: .init(transport: .inproc, seed: seed, trace: recorder))
        guard let outcome else { return nil }
        #expect(outcome.passed, "\(file):\n\(E2ESupport.report(outcome))")
        return recorder.events
    }

    private func text(_ events: [TraceEvent]) -> String {
        events.map { TraceFormatter.text($0, color: false) + "\n" }.joined()
    }

    @Test("two runs give identical traces", arguments: [
        "scenarios/basics.scenario", "scenarios/partition.scenario", "scenarios/presence.scenario",
    ])
    func identicalTraces(file: String) throws {
        guard let first = try trace(file), let second = try trace(file) else { return }
        #expect(!first.isEmpty)
        #expect(first.contains { if case .send = $0.kind { true } else { false } }, "the trace shows messages")
        #expect(first.count == second.count)
        if let i = first.indices.first(where: { $0 < second.count && first[$0] != second[$0] }) {
            Issue.record("""
                first difference at event \(i):
                  \(TraceFormatter.text(first[i], color: false))
                  \(TraceFormatter.text(second[i], color: false))
                """)
        }
        #expect(first == second)
        let a = Array(text(first).utf8), b = Array(text(second).utf8)
        #expect(a == b, "the text renderings differ")
        #expect(!text(first).contains("\u{1B}"), "color false means no escape sequences")
    }

    @Test("the JSON rendering is identical too", arguments: ["scenarios/presence.scenario"])
    func identicalJSON(file: String) throws {
        guard let first = try trace(file), let second = try trace(file) else { return }
        #expect(first.map(TraceFormatter.json) == second.map(TraceFormatter.json))
    }

    @Test("a scenario with crashes, restarts and a wipe is deterministic too")
    func faultsAreDeterministic() throws {
        guard let first = try trace("scenarios/crash-restart.scenario"),
              let second = try trace("scenarios/crash-restart.scenario") else { return }
        #expect(text(first) == text(second))
    }

    @Test("the seed from the command line gives the same trace on every run")
    func sameSeedSameTrace() throws {
        guard let first = try trace("scenarios/basics.scenario", seed: 99),
              let second = try trace("scenarios/basics.scenario", seed: 99) else { return }
        #expect(text(first) == text(second))
    }
}
