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

    @Test("with --hosts, partitions are made in the kernel, and network conditions are refused at their line and column")
    func hostsRefuseNetworkOnly() throws {
        let scenario = try ScenarioLoader.parse(
            source: "peers alice bob\npartition alice | bob\nheal\n network loss 5%\n", path: "h.scenario")
        let problems = ProcessWorld.unsupported(scenario, hostCount: 3)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("h.scenario:4:2: 'network loss 5%' needs the simulator") == true)
    }
}
