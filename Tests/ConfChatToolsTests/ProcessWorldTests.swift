@testable import ConfChatTools
import ConfChatScenario
import Testing

/// What `confchat run --processes` sends a peer's control channel, and what it refuses to run.
@Suite struct ProcessWorldTests {
    static let actions: [Action] = [
        .register(peer: "alice", password: "p w\"\\x"),
        .login(peer: "alice", password: "s3cret"),
        .logout(peer: "alice"),
        .addFriend(peer: "alice", other: "bob"),
        .accept(peer: "alice", other: "bob"),
        .decline(peer: "alice", other: "bob"),
        .removeFriend(peer: "alice", other: "bob"),
        .send(peer: "alice", to: "bob", text: "a \"quoted\" line\nand a tab\t, a backslash \\ and 👋"),
        .createGroup(peer: "alice", group: "team"),
        .invite(peer: "alice", group: "team", other: "bob"),
        .join(peer: "alice", group: "team"),
        .leaveGroup(peer: "alice", group: "team"),
        .destroyGroup(peer: "alice", group: "team"),
        .sendGroup(peer: "alice", group: "team", text: "all \"of\" you\n"),
    ]

    /// The prompt line of an action, after the peer's name, is the scenario statement it came
    /// from: the prompt and the scenario language share verbs and quoting, so the text and
    /// the password arrive as written, whatever they hold.
    @Test("a peer's action becomes the prompt line that means the same", arguments: actions)
    func promptLineMeansTheAction(_ action: Action) throws {
        let line = try #require(PromptLine.of(action))
        let scenario = try ScenarioLoader.parse(source: "peers alice bob\nalice \(line)\n", path: "t.scenario")
        #expect(scenario.statements.last?.kind == .action(action, expectRefusal: false))
    }

    @Test("faults, waits and network statements are not a peer's prompt line")
    func notPromptLines() {
        for action: Action in [.crash(peer: "alice"), .restart(peer: "alice"), .wipe(peer: "alice"), .heal, .registryCrash] {
            #expect(PromptLine.of(action) == nil)
        }
    }

    @Test("partition and heal are refused before a run, at their line and column")
    func partitionRefused() throws {
        let scenario = try ScenarioLoader.parse(source: "peers alice bob\nalice register a\n  partition alice | bob\nheal\n", path: "p.scenario")
        let problems = ProcessWorld.unsupported(scenario)
        #expect(problems.count == 2)
        #expect(problems.first?.hasPrefix("p.scenario:3:3: 'partition alice | bob' needs the simulator") == true)
        #expect(problems.last?.hasPrefix("p.scenario:4:1: 'heal' needs the simulator") == true)
    }
}
