import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import Testing

/// A simulated peer retries a registry request for its scenario's `timeout`, the same
/// budget an `expect` gets (docs/protocol.md 5.1): an unreachable registry refuses an action
/// after exactly that much simulated time, with that number in the message.
@Suite struct RequestBudgetScenarioTests {
    /// Runs `lines` after a declared alice and a crashed registry, then `! alice register a`;
    /// returns the refusal's trace line and when it came.
    private func refusal(_ lines: String) throws -> (text: String, at: SimInstant) {
        let source = "peers alice\n\(lines)\nregistry crash\n! alice register a\n"
        let recorder = TraceRecorder()
        let outcome = try ScenarioRunner(scenario: try ScenarioLoader.parse(source: source, path: "budget.scenario"),
                                         options: .init(transport: .inproc, trace: recorder)).run()
        #expect(outcome.passed, "\(outcome.failures.map(\.description))")
        let line = recorder.events.compactMap { e -> String? in
            if case let .outcome(_, true, detail) = e.kind { detail } else { nil }
        }.last ?? ""
        return (line, outcome.simulatedTime)
    }

    @Test("by default a request is retried for 5 s, the default timeout")
    func defaultBudget() throws {
        let (text, at) = try refusal("")
        #expect(text == "refused as expected: the registry did not answer within 5000ms")
        #expect(at == SimInstant(milliseconds: 5000))
    }

    @Test("a timeout statement sets the budget of requests sent after it")
    func timeoutStatement() throws {
        let (text, at) = try refusal("timeout 3s")
        #expect(text == "refused as expected: the registry did not answer within 3000ms")
        #expect(at == SimInstant(milliseconds: 3000))
    }

    @Test("a long timeout is capped, so the registry still remembers every repeat")
    func capped() throws {
        let (text, at) = try refusal("timeout 1m")
        #expect(Simulator.maxRequestBudget == RegistryLimits.requestMemoryMs / 2)
        #expect(text == "refused as expected: the registry did not answer within \(Simulator.maxRequestBudget)ms")
        #expect(at == SimInstant(milliseconds: Simulator.maxRequestBudget))
    }
}
