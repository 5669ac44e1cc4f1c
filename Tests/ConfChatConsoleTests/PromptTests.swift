import ConfChatConsole
import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import Foundation
import Testing

/// The interactive prompt's command interpreter, driven in process with a `SimulatorConsole`
/// (no terminal): what each command prints, events printed as they happen, `@bob` and
/// network statements in attach, and the errors.
@Suite struct PromptTests {
    /// A simulated network set up by a scenario, and a prompt acting as one of its peers.
    final class Harness {
        final class Clock { var now: Int64 = 1_000_000 }

        let network: AttachedNetwork
        let console: SimulatorConsole
        let prompt: PeerPrompt
        let clock = Clock()
        var written: [PeerPrompt.Line] = []

        init(_ source: String, as name: String = "alice", attach: Bool = true) throws {
            let scenario = try ScenarioLoader.parse(source: source, path: "setup.scenario")
            network = try AttachedNetwork(scenario: scenario, options: .init())
            let clock = self.clock
            console = SimulatorConsole(simulator: network.simulator, name: name, clock: { clock.now })
            prompt = PeerPrompt(console: console, network: attach ? network : nil)
            prompt.output = { [weak self] line in self?.written.append(line) }
            prompt.showEvents = false
            let outcome = network.runSetup()
            #expect(outcome.passed, "setup failed: \(outcome.failures)")
            prompt.showEvents = true
        }

        deinit {
            console.detach()
            network.shutDown()
        }

        /// Runs one line and returns the text of every line it wrote.
        @discardableResult
        func run(_ line: String) -> [String] {
            written = []
            _ = prompt.execute(line)
            return written.map(\.text)
        }

        /// Lets `ms` of "real" time pass at the prompt: the simulated clock follows.
        func idle(_ ms: Int64) throws -> [String] {
            written = []
            clock.now += ms
            try console.tick()
            return written.map(\.text)
        }
    }

    static let friends = """
        peers alice bob carol
        alice register pw-a
        bob register pw-b
        carol register pw-c
        alice login pw-a
        bob login pw-b
        alice add-friend bob
        bob accept alice
        """

    // MARK: - The peer's own commands

    @Test("register, login, add-friend, accept, send, messages, friends and requests")
    func ownCommands() throws {
        let h = try Harness("peers alice bob")
        #expect(h.run("register s3cret") == ["registered alice; now log in: login PASSWORD"])
        #expect(h.run("login s3cret") == ["logged in as alice"])
        #expect(h.run("@bob register pw") == ["ok"])
        #expect(h.run("@bob login pw") == ["ok"])
        #expect(h.run("friends") == ["no friends yet (add-friend NAME)"])
        #expect(h.run("add-friend bob") == ["friend request sent to bob"])
        #expect(h.run("@bob accept alice").contains("[event] bob is now your friend"))
        #expect(h.run("friends") == ["bob  online"])
        #expect(h.run("requests") == ["no friend requests waiting"])
        #expect(h.run("send bob \"hello \\\"bob\\\"\"") == ["sent to bob"])
        #expect(h.run("@bob send alice \"hi alice\"") == ["[event] bob: hi alice", "ok"])
        #expect(h.run("send bob how are you?") == ["sent to bob"], "the unquoted rest of the line is the text")
        #expect(h.run("messages bob") == [
            "conversation with bob (3 messages):",
            "  alice: hello \"bob\"",
            "  bob: hi alice",
            "  alice: how are you?",
        ])
        #expect(try h.network.simulator.received("bob", from: "alice") == ["hello \"bob\"", "how are you?"])
        #expect(h.run("messages") == [
            "conversations (messages NAME or messages #GROUP to read one):",
            "  bob  3 messages  last: alice: how are you?",
        ])
        #expect(h.run("status") == ["alice: logged in, 1 friend (1 online), 0 friend requests, 0 groups, registry reachable"])
        #expect(h.run("logout") == ["logged out"])
        #expect(h.run("friends") == ["bob  offline", "(you are logged out: you see no one online until you log in)"])
    }

    @Test("status says whether the registry answers")
    func statusSaysWhetherTheRegistryAnswers() throws {
        let h = try Harness(Self.friends)
        #expect(h.run("status") == ["alice: logged in, 1 friend (1 online), 0 friend requests, 0 groups, registry reachable"])
        #expect(h.run("registry crash") == ["ok"])
        _ = h.run("wait 1m")
        #expect(h.run("status") == ["alice: logged in, 1 friend (1 online), 0 friend requests, 0 groups, registry not answering (requests wait for it; friends online still get messages directly)"])
        #expect(h.run("registry restart") == ["ok"])
        _ = h.run("wait 1m")
        #expect(h.run("status").first?.hasSuffix(", registry reachable") == true)
    }

    @Test("@NAME with a view command shows that peer's view: @bob messages alice, @alice friends")
    func viewsAsAnotherPeer() throws {
        let h = try Harness(Self.friends)
        _ = h.run("send bob \"hello\"")
        #expect(h.run("@bob messages alice") == ["conversation with alice (1 message):", "  alice: hello"])
        #expect(h.run("@alice messages bob") == ["conversation with bob (1 message):", "  alice: hello   (not confirmed yet)"]
                || h.run("@alice messages bob") == ["conversation with bob (1 message):", "  alice: hello"])
        #expect(h.run("@bob friends") == ["alice  online"])
        #expect(h.run("@carol status") == ["carol: logged out, 0 friends (0 online), 0 friend requests, 0 groups"])
    }

    @Test("login and register without a password ask for it; lines with one stay out of the history")
    func passwordsAskedForAndKeptOutOfHistory() throws {
        let h = try Harness("peers alice")
        var asked: [String] = []
        h.prompt.readSecret = { question in asked.append(question); return "s3cret" }
        #expect(h.run("register") == ["registered alice; now log in: login PASSWORD"])
        #expect(h.run("login") == ["logged in as alice"])
        #expect(asked == ["password for alice: ", "password for alice: "])
        h.prompt.readSecret = nil
        // Piped input cannot be asked for a password: say so, rather than a usage line whose
        // own example is the very `login` that was refused.
        #expect(h.run("login") == ["error: login needs the password on the line when input is not a terminal (e.g. login s3cret)"])
        #expect(h.run("register") == ["error: register needs the password on the line when input is not a terminal (e.g. register s3cret)"])
        for line in ["login pw", "register pw", "@bob login pw", "! @bob login wrong", "! bob register x"] {
            #expect(PeerPrompt.holdsSecret(line), "\(line)")
        }
        for line in ["login", "friends", "send bob login pw", "@bob send alice \"login pw\""] {
            #expect(!PeerPrompt.holdsSecret(line), "\(line)")
        }
    }

    @Test("message texts show invisible and control characters as escapes")
    func invisibleCharactersEscaped() throws {
        let h = try Harness(Self.friends)
        let lines = h.run("@bob send alice \"a\\u{202e}b\\u{200b}c\\u{1b}d\\u{85}e \u{1F468}\u{200D}\u{1F469}\"")
        #expect(lines.contains("[event] bob: a\\u{202e}b\\u{200b}c\\u{1b}d\\u{85}e \u{1F468}\u{200D}\u{1F469}"), "\(lines)")
    }

    @Test("friend requests arrive as events; requests lists them; accept and decline answer")
    func requestsAndAnswers() throws {
        let h = try Harness(Self.friends + "\ncarol login pw-c")
        #expect(h.run("@carol add-friend alice") == ["[event] friend request from carol (accept carol / decline carol)", "ok"])
        #expect(h.run("requests") == ["friend requests from: carol (accept NAME / decline NAME)"])
        #expect(h.run("decline carol") == ["declined carol's friend request"])
        #expect(h.run("requests") == ["no friend requests waiting"])
        h.run("@carol add-friend alice")
        let accepted = h.run("accept carol")
        #expect(accepted.last == "you and carol are now friends")
        #expect(accepted.contains("[event] carol is now your friend"))
        #expect(h.run("friends") == ["bob    online", "carol  online"])
        let removed = h.run("remove-friend carol")
        #expect(removed.last == "carol is no longer your friend")
        #expect(h.run("friends") == ["bob  online"])
    }

    @Test("a conversation shows both directions in the order alice held them")
    func conversationOrder() throws {
        let h = try Harness(Self.friends + """

            bob send alice "one"
            alice send bob "two"
            alice send bob "three"
            bob send alice "four"
            """)
        #expect(h.run("messages bob") == [
            "conversation with bob (4 messages):",
            "  bob: one", "  alice: two", "  alice: three", "  bob: four",
        ])
        #expect(h.run("messages carol") == ["no messages with carol (carol is not your friend)"])

        // Three sent before one arrives: sequence numbers alone would put bob's #1 second.
        let g = try Harness(Self.friends + """

            alice send bob "a"
            alice send bob "b"
            alice send bob "c"
            bob send alice "x"
            """)
        #expect(g.run("messages bob") == [
            "conversation with bob (4 messages):", "  alice: a", "  alice: b", "  alice: c", "  bob: x",
        ])
    }

    @Test("groups: create, invite, join, send-group, messages #team (each send once), groups")
    func groups() throws {
        let h = try Harness(Self.friends + """

            carol login pw-c
            alice add-friend carol
            carol accept alice
            """)
        #expect(h.run("create-group team").last == "created #team; invite friends with: invite team NAME")
        #expect(h.run("invite team bob") == ["invited bob to #team"])
        #expect(h.run("invite team carol") == ["invited carol to #team"])
        #expect(h.run("@bob join team").contains("[event] #team members: alice bob"))
        h.run("@carol join team")
        #expect(h.run("send-group team \"hello all\"") == ["sent to #team"])
        #expect(h.run("@bob send-group team \"hi\"") == ["[event] #team bob: hi", "ok"])
        #expect(h.run("send-group #team hello all") == ["sent to #team"], "the same text twice is two sends")
        #expect(h.run("messages #team") == [
            "#team (3 messages):", "  alice: hello all", "  bob: hi", "  alice: hello all",
        ])
        #expect(h.run("groups") == ["#team (you own it): alice bob carol"])
        #expect(h.run("messages bob") == ["no messages with bob"], "group messages are not in the one-to-one conversation")
        #expect(h.run("@bob create-group club") == ["ok"])
        #expect(h.run("@bob invite club alice") == ["[event] bob invites you to #club (join club)", "ok"])
        #expect(h.run("groups") == ["#team (you own it): alice bob carol", "invitation to #club from bob (join club)"])
        #expect(h.run("leave-group team") == ["error: the owner cannot leave team; destroy it instead"])
        #expect(h.run("destroy-group team").last == "destroyed #team")
    }

    // MARK: - Events

    @Test("events print the moment they happen, while the prompt idles in real time")
    func eventsAsTheyHappen() throws {
        let h = try Harness(Self.friends)
        #expect(h.run("crash bob") == ["ok"])
        #expect(try h.idle(1000).isEmpty, "bob is silent, but not for long enough yet")
        let later = try h.idle(8000)
        #expect(later.count == 1)
        #expect(later.first?.hasPrefix("[event] bob is offline (") == true)
        #expect(h.run("restart bob") == ["ok"])
        #expect(h.run("@bob login pw-b") == ["[event] bob is online (hello)", "ok"])
        #expect(h.run("@bob logout") == ["[event] bob is offline (logged out)", "ok"])
    }

    @Test("pump lets the network run until input arrives, advancing the clock with real time")
    func pumpWaitsForInput() throws {
        let h = try Harness(Self.friends)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let before = h.network.simulator.now
        h.clock.now += 300
        #expect(try h.console.pump(until: fds[0], timeoutMs: 0) == false)
        #expect(h.network.simulator.now == before + 300)
        var byte: UInt8 = 10
        #expect(write(fds[1], &byte, 1) == 1)
        #expect(try h.console.pump(until: fds[0], timeoutMs: 1000) == true)
    }

    // MARK: - Attach: other peers and the network

    @Test("@bob runs any scenario action as bob; network statements run as in a scenario")
    func networkStatements() throws {
        let h = try Harness(Self.friends)
        #expect(h.run("wait 2s") == ["ok (simulated time is now 2.000s)"])
        #expect(h.run("expect alice sees bob online") == ["ok: holds"])
        #expect(h.run("expect alice friends bob carol") == ["expectation failed: alice's friends: bob (after waiting 5s)"])
        #expect(h.run("! @bob login wrong") == ["ok: refused as expected: bob is already logged in"])
        #expect(h.run("@bob login wrong") == ["error: bob is already logged in"])
        #expect(h.run("partition alice | bob registry") == ["ok"])
        #expect(h.run("expect alice sees bob offline within 10s").last == "ok: holds")
        #expect(h.run("heal") == ["ok"])
        #expect(h.run("registry crash") == ["ok"])
        #expect(h.run("registry crash") == ["error: the registry is already down"])
        #expect(h.run("registry restart") == ["ok"])
        #expect(h.run("peers dave") == ["started dave"])
        #expect(h.run("@dave register pw-d") == ["ok"])
        #expect(h.run("timeout 10s") == ["expect now waits up to 10s by default"])
        #expect(h.run("transport tcp").first?.hasPrefix("error: 'transport' is set when the network starts") == true)
        #expect(h.run("@bob sned alice \"x\"").first?.hasPrefix("error: unknown verb 'sned'") == true)
        #expect(h.run("@zed login pw") == ["error: undeclared peer 'zed' (no earlier 'peers' line declares it)"])
        #expect(h.run("wait") == ["error: expected a duration (as in 250ms, 5s, 2m or 1h) after 'wait'"])
        #expect(h.run("crash bob") == ["ok"])
        #expect(h.run("crash bob") == ["error: bob is already crashed"])
        #expect(h.run("bob send alice \"x\"") == ["error: unknown command 'bob'; to act as bob, write @bob send alice \"x\""])
    }

    @Test("a line at the prompt runs through the scenario runner: the trace shows it")
    func statementsAreTraced() throws {
        let recorder = TraceRecorder()
        let scenario = try ScenarioLoader.parse(source: Self.friends, path: "setup.scenario")
        let network = try AttachedNetwork(scenario: scenario, options: .init(trace: recorder))
        defer { network.shutDown() }
        let console = SimulatorConsole(simulator: network.simulator, name: "alice")
        defer { console.detach() }
        let prompt = PeerPrompt(console: console, network: network)
        _ = network.runSetup()
        _ = prompt.execute("@bob send alice \"traced\"")
        let statements = recorder.events.compactMap { e -> String? in
            if case let .statement(location, source) = e.kind { return "\(location) \(source)" }
            return nil
        }
        #expect(statements.last == "<prompt>:1 bob send alice \"traced\"")
        #expect(recorder.events.contains { if case .deliver(peer: "alice", from: "bob", _, "traced", nil) = $0.kind { true } else { false } })
    }

    @Test("a private-use character is escaped at the prompt, as diagnostics show it as a stand-in")
    func privateUseEscaped() throws {
        let h = try Harness(Self.friends)
        let lines = h.run("@bob send alice \"logo \u{f8ff} end\"")
        #expect(lines.contains("[event] bob: logo \\u{f8ff} end"), "\(lines)")
    }

    // MARK: - Errors

    @Test("errors are one clear line; unknown commands point at help")
    func errors() throws {
        let h = try Harness(Self.friends)
        #expect(h.run("send carol hi") == ["error: carol is not a friend of alice"])
        #expect(h.run("frobnicate") == ["error: unknown command 'frobnicate'; type help for the list"])
        #expect(h.run("sned bob hi") == ["error: unknown command 'sned' (did you mean 'send'?); type help for the list"])
        #expect(h.run("send") == ["error: usage: send NAME \"TEXT\"  (e.g. send bob \"hi there\")"])
        #expect(h.run("send bob") == ["error: usage: send NAME \"TEXT\"  (e.g. send bob \"hi there\")"])
        #expect(h.run("add-friend Bob") == ["error: 'Bob' is not a valid name (a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')"])
        #expect(h.run("send bob \"unterminated") == ["error: unterminated string (a text ends with a closing \")"])
        #expect(h.run("send bob \"hi\" there") == ["error: unexpected 'there' after the quoted text (put the whole text between the quotes)"])
        #expect(h.run("send bob \"bad \\q\"") == ["error: bad escape '\\q' (allowed: \\\" \\\\ \\n \\t \\u{HEX})"])
        // Decoded by the scenario language's own code, so the message is the scenario file's.
        #expect(h.run("send bob \"\\u{d800}\"") == ["error: bad escape: '\\u{d800}' is not a Unicode scalar value"])
        #expect(h.run("accept carol") == ["error: no pending friend request from carol"])
        #expect(h.run("login pw-a") == ["error: alice is already logged in"])
        #expect(h.run("friends now") == ["error: unexpected 'now' (usage: friends)"])
        #expect(h.run("  ").isEmpty)
        for line in h.written { #expect(!line.text.contains("\n")) }
    }

    @Test("without a simulated network (a standalone peer), network lines are refused clearly")
    func standaloneHasNoNetwork() throws {
        let h = try Harness(Self.friends, attach: false)
        #expect(h.run("wait 5s") == ["error: 'wait' acts on the simulated network: only in confchat attach"])
        #expect(h.run("@bob send alice \"x\"") == ["error: '@NAME' acts on the simulated network: only in confchat attach"])
        #expect(h.run("crash bob") == ["error: 'crash' acts on the simulated network: only in confchat attach"])
        #expect(h.run("friends") == ["bob  online"])
        #expect(!h.run("help").joined(separator: "\n").contains("@NAME"))
    }

    // MARK: - Help, quit, completion

    @Test("help lists every command with a description and an example")
    func help() throws {
        let h = try Harness("peers alice")
        let text = h.run("help")
        for verb in ["register", "login", "logout", "friends", "add-friend", "accept", "decline", "remove-friend",
                     "requests", "send", "messages", "create-group", "invite", "join", "leave-group",
                     "destroy-group", "send-group", "groups", "help", "quit",
                     "@NAME", "wait", "expect", "partition", "heal", "registry", "crash", "restart", "wipe", "peers"] {
            #expect(text.contains { $0.hasPrefix("  \(verb)") && $0.contains("(e.g. ") }, "help lacks \(verb)")
        }
        for verb in Verb.all {
            let usage = verb.scope == .harness ? "\(verb.name) NAME" : verb.usage
            #expect(text.contains { $0.hasPrefix("  \(usage) ") && $0.contains(verb.summary) }, "help lacks the table's \(verb.name)")
        }
        #expect(h.run("help register") == ["register [PASSWORD]  create your account at the registry (no PASSWORD: asked for, unseen)  (e.g. register)"])
        #expect(h.run("help invite") == ["invite GROUP NAME  invite a friend to a group you own  (e.g. invite team bob)"])
        #expect(h.run("help send") == ["send NAME \"TEXT\"  send a message (quotes optional: the rest of the line is the text)  (e.g. send bob \"hi there\")"])
        #expect(h.prompt.execute("quit") == .quit)
        #expect(h.prompt.execute("exit") == .quit)
        #expect(h.prompt.execute("friends") == .proceed)
    }

    @Test("tab completion: verbs, then the names that fit the verb")
    func completion() throws {
        let h = try Harness(Self.friends + "\ncarol login pw-c\ncarol add-friend alice")
        let p = h.prompt
        #expect(p.completions(forLinePrefix: "se") == ["send", "send-group"])
        #expect(p.completions(forLinePrefix: "send b") == ["bob"])
        #expect(p.completions(forLinePrefix: "send ") == ["bob"])
        #expect(p.completions(forLinePrefix: "accept ") == ["carol"])
        #expect(p.completions(forLinePrefix: "add-friend ") == [], "bob is a friend, carol asked already")
        #expect(p.completions(forLinePrefix: "@") == ["@alice", "@bob", "@carol"])
        #expect(p.completions(forLinePrefix: "@bob se") == ["send", "send-group"])
        #expect(p.completions(forLinePrefix: "@bob send a") == ["alice"])
        #expect(p.completions(forLinePrefix: "registry ") == ["crash", "restart"])
        #expect(p.completions(forLinePrefix: "expect alice se") == ["sees", "sent"])
        #expect(p.completions(forLinePrefix: "expect alice sees bob o") == ["offline", "online"])
        #expect(p.completions(forLinePrefix: "crash c") == ["carol"])
        #expect(p.completions(forLinePrefix: "login ") == [], "a password is not completed")
    }

    @Test("tab completion of group verbs offers what each argument's kind allows")
    func groupCompletion() throws {
        let h = try Harness(Self.friends + """

            carol login pw-c
            alice add-friend carol
            carol accept alice
            alice create-group team
            alice invite team bob
            bob join team
            bob create-group bobs
            bob invite bobs alice
            """)
        let p = h.prompt
        #expect(p.completions(forLinePrefix: "invite ") == ["team"], "groups alice owns")
        #expect(p.completions(forLinePrefix: "invite team ") == ["carol"], "friends not in team yet")
        #expect(p.completions(forLinePrefix: "join ") == ["bobs"], "invitations")
        #expect(p.completions(forLinePrefix: "send-group ") == ["team"])
        #expect(p.completions(forLinePrefix: "create-group ") == [], "a new name")
        #expect(p.completions(forLinePrefix: "@bob invite ") == ["bobs", "team"])
        #expect(p.completions(forLinePrefix: "@bob invite bobs ") == ["alice", "bob", "carol"])
        #expect(p.completions(forLinePrefix: "@bob send alice ") == [], "a text is not completed")
    }

    // MARK: - Plain mode (stdin not a terminal)

    @Test("plain mode reads a pipe line by line, prints plain lines, and ends at end of input")
    func plainLoop() throws {
        let h = try Harness(Self.friends + "\nalice logout")
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let script = "login pw-a\nfriends\n@bob send alice \"hi\"\nbogus\n"
        _ = script.utf8CString.withUnsafeBufferPointer { write(fds[1], $0.baseAddress, $0.count - 1) }
        close(fds[1])
        let loop = PromptLoop(prompt: h.prompt)
        loop.interactive = false
        loop.input = fds[0]
        var out: [String] = []
        loop.writeLine = { out.append($0) }
        #expect(try loop.run() == 0)
        #expect(out == [
            "[event] bob is online (hello)",
            "logged in as alice",
            "bob  online",
            "[event] bob: hi",
            "ok",
            "error: unknown command 'bogus'; type help for the list",
        ])
    }

    @Test("plain mode stops at quit")
    func plainQuit() throws {
        let h = try Harness(Self.friends)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let script = "friends\nquit\nfriends\n"
        _ = script.utf8CString.withUnsafeBufferPointer { write(fds[1], $0.baseAddress, $0.count - 1) }
        let loop = PromptLoop(prompt: h.prompt)
        loop.interactive = false
        loop.input = fds[0]
        var out: [String] = []
        loop.writeLine = { out.append($0) }
        #expect(try loop.run() == 0)
        #expect(out == ["bob  online"])
    }
}
