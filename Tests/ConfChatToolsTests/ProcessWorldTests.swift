import ConfChatScenario
import ConfChatTools
import Testing

/// What `confchat run --processes` refuses to run, before it starts a process.
@Suite struct ProcessWorldTests {
    @Test("a crash part way through an input is refused before a run, at its line and column; partitions are not")
    func crashMidInputRefused() throws {
        let scenario = try ScenarioLoader.parse(
            source: "peers alice bob\nalice register a\npartition alice | bob\nheal\n  alice crash mid-input after step 1\n", path: "p.scenario")
        let problems = ProcessWorld.unsupported(scenario)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("p.scenario:5:3: 'alice crash mid-input after step 1' needs the simulator") == true)
    }

    @Test("partitions and network conditions are not refused: the runner's proxy and, on hosts, the kernel carry them out")
    func networkAndPartitionsRun() throws {
        let scenario = try ScenarioLoader.parse(
            source: "peers alice bob\npartition alice | bob\nheal\n network loss 5%\nnetwork alice bob latency 10ms\nnetwork reset\n",
            path: "h.scenario")
        #expect(ProcessWorld.unsupported(scenario).isEmpty)
    }
}
