import ConfChatConsole
import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import ConfChatStandalone
import Foundation
import Testing

/// A peer's control channel requests (`confchat peer --control`), answered by the prompt on a
/// simulated peer: the lines `run --processes` sends (printed from the verb table) do what
/// the scenario statement says, refusals come back as `refused`, and `view` is the JSON the
/// runner decodes.
@Suite struct ControlReplyTests {
    @Test("printed verb lines carry passwords and texts as written; refusals are `refused`; view decodes")
    func printedLinesDriveThePeer() throws {
        let scenario = try ScenarioLoader.parse(source: "peers alice bob\nbob register pw-b\nbob login pw-b\n", path: "s.scenario")
        let network = try AttachedNetwork(scenario: scenario, options: .init())
        defer { network.shutDown() }
        #expect(network.runSetup().passed)
        let console = SimulatorConsole(simulator: network.simulator, name: "alice", clock: { 0 })
        defer { console.detach() }
        let prompt = PeerPrompt(console: console)
        func reply(_ command: PeerCommand) -> ControlChannel.Reply {
            prompt.controlReply(ScenarioPrinter.line(PeerAction.command(command)))
        }
        let password = "p w\"\\x 👋"
        let text = "a \"quoted\" line\nwith a tab\t and a backslash \\"
        #expect(reply(.register(password: password)).status == .ok)
        let wrong = reply(.login(password: "p w"))
        #expect(wrong.status == .refused && wrong.text.contains("wrong password"), "\(wrong.text)")
        #expect(reply(.login(password: password)).status == .ok)
        #expect(reply(.send(to: "bob", text: text)).status == .refused)  // not a friend yet
        #expect(reply(.addFriend("bob")).status == .ok)
        #expect(try network.simulator.perform(.peer("bob", .command(.accept("alice")))) == nil)
        #expect(reply(.send(to: "bob", text: text)).status == .ok)

        let answer = prompt.controlReply("view")
        #expect(answer.status == .ok)
        let view = try JSONDecoder().decode(PeerView.self, from: Data(answer.text.utf8))
        #expect(view == (try network.simulator.view("alice")))
        #expect(view.sent["bob"] == [text])
        #expect(view.loggedIn && view.friends == ["bob": true])
        #expect(prompt.controlReply("quit").status == .error)
    }
}
