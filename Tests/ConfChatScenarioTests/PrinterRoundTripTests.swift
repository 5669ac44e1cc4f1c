import ConfChatCore
import Testing
@testable import ConfChatScenario

/// The printer and the parser agree: every statement the printer writes parses back to the
/// value it was printed from. Chaos relies on it for its reproducing files, the bench for
/// its generated scenarios.
@Suite("Scenario printer")
struct PrinterRoundTripTests {
    /// Peers of the generated lines, with keywords among them (`wait`, `heal`, `within`
    /// are not reserved, so they must print and parse back as names).
    static let names = ["alice", "bob", "wait", "heal", "within", "c-3_po", String(repeating: "z", count: 32)]

    /// Texts and passwords: quotes, backslashes, escapes, controls, emoji, combining and
    /// prepended marks next to quotes and escapes (where a raw one would fuse with them).
    static let pieces = [
        "hi", " ", "\"", "\\", "\n", "\t", "\r", "\u{0}", "\u{7F}", "é", "e\u{301}", "\u{301}", "\u{600}",
        "\u{200D}", "👨‍👩‍👧", "\u{202E}", "#", "|", "!", "within", "5s", "\u{1F600}", "{", "}", "u",
    ]

    struct Generator {
        var rng: SplitMix64

        mutating func int(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
        mutating func name() -> String { pick(PrinterRoundTripTests.names) }
        mutating func text() -> String { (0..<int(6)).map { _ in pick(PrinterRoundTripTests.pieces) }.joined() }
        mutating func names() -> [String] { Array(PrinterRoundTripTests.names.shuffled(using: &rng).prefix(int(4))) }
        mutating func duration() -> ScenarioDuration {
            pick([.milliseconds(Int64(int(5000))), .seconds(Int64(int(90))), .minutes(Int64(1 + int(5))), .hours(1)])
        }

        /// A value for each argument of `verb`, of its kind.
        mutating func values(for verb: Verb) -> [String] {
            verb.arguments.map { argument in
                switch argument.kind {
                case .password: int(3) == 0 ? "pw-\(int(100))" : text()
                case .peer: name()
                case .group: pick(["team", "wait", "g-1"])
                case .text: text()
                }
            }
        }

        mutating func action() -> Action {
            switch int(7) {
            case 0: return .wait(duration())
            case 1:
                let n = PrinterRoundTripTests.names.shuffled(using: &rng)
                return .partition([[n[0], "registry"], [n[1], n[2]]])
            case 2: return pick([.heal, .registryCrash, .registryRestart])
            case 3: return .crashMidInput(node: pick([name(), "registry"]), afterStep: pick([0, int(6), ScenarioLimits.maxFaultStep]))
            default: return peerAction()
            }
        }

        mutating func peerAction() -> Action {
            let verb = pick(Verb.all)
            return .peer(name(), verb.action(values(for: verb)))
        }

        mutating func expectation() -> ConfChatScenario.Expectation {
            let peer = name()
            return switch int(9) {
            case 0: .received(peer: peer, from: name(), text: text())
            case 1: .conversation(peer: peer, with: name(), texts: (0..<int(3)).map { _ in text() })
            case 2: .sent(peer: peer, to: name(), texts: (0..<int(3)).map { _ in text() })
            case 3: .sees(peer: peer, friend: name(), online: int(2) == 0)
            case 4: .friends(peer: peer, names: names())
            case 5: .requests(peer: peer, names: names())
            case 6: .session(peer: peer, loggedIn: int(2) == 0)
            case 7: .group(peer: peer, group: "team", from: name(), texts: (0..<int(3)).map { _ in text() })
            default: .members(peer: peer, group: "team", names: names())
            }
        }

        mutating func statement() -> StatementKind {
            switch int(10) {
            case 0: return .expect(expectation(), within: int(2) == 0 ? nil : duration())
            case 1: return .expect(expectation(), within: nil)
            case 2: return .peers(Array(PrinterRoundTripTests.names.shuffled(using: &rng).prefix(1 + int(3))))
            case 3:
                let directives: [StatementKind] = [.seed(rng.next()), .timeout(duration()), .presenceTimeout(duration()),
                                                   .transport(pick(TransportKind.allCases))]
                return pick(directives)
            default:
                let action = action()
                let refusable = if case .wait = action { false } else { true }
                return .action(action, expectRefusal: refusable && int(3) == 0)
            }
        }
    }

    /// Prints the statement after a line declaring every name, parses the file, and
    /// returns what the printed line parsed to.
    static func reparsed(_ kind: StatementKind) throws -> StatementKind? {
        let source = "peers \(names.joined(separator: " "))\n\(ScenarioPrinter.line(kind))\n"
        return try ScenarioLoader.parse(source: source, path: "printed.scenario").statements.last?.kind
    }

    @Test("every verb's printed form parses back to the same action", arguments: Verb.all.map(\.name))
    func everyVerb(name: String) throws {
        let verb = try #require(Verb.named(name))
        var generator = Generator(rng: SplitMix64(seed: 12))
        for _ in 0..<40 {
            let kind = StatementKind.action(.peer(generator.name(), verb.action(generator.values(for: verb))), expectRefusal: false)
            #expect(try Self.reparsed(kind) == kind, "printed as: \(ScenarioPrinter.line(kind))")
        }
    }

    @Test("generated statements parse back to the same value", arguments: [1, 2, 3, 4] as [UInt64])
    func generated(seed: UInt64) throws {
        var generator = Generator(rng: SplitMix64(seed: seed))
        for _ in 0..<300 {
            let kind = generator.statement()
            #expect(try Self.reparsed(kind) == kind, "printed as: \(ScenarioPrinter.line(kind))")
        }
    }

    /// The verb that should make each kind of action. The switch is exhaustive, so a new case
    /// of `PeerCommand` or `GroupCommand` does not compile here until it is named: the
    /// reminder that it needs an entry in `Verb.all` (printing an action of a case without
    /// one stops the program).
    static func expectedVerb(_ action: PeerAction) -> String {
        switch action {
        case .command(.register): "register"
        case .command(.login): "login"
        case .command(.logout): "logout"
        case .command(.addFriend): "add-friend"
        case .command(.accept): "accept"
        case .command(.decline): "decline"
        case .command(.removeFriend): "remove-friend"
        case .command(.send): "send"
        case .command(.group(.create)): "create-group"
        case .command(.group(.invite)): "invite"
        case .command(.group(.join)): "join"
        case .command(.group(.leave)): "leave-group"
        case .command(.group(.destroy)): "destroy-group"
        case .command(.group(.send)): "send-group"
        case .crash: "crash"
        case .restart: "restart"
        case .wipe: "wipe"
        }
    }

    @Test("every kind of peer action has its verb in the table, and each verb makes its own kind")
    func everyActionHasAVerb() {
        var generator = Generator(rng: SplitMix64(seed: 5))
        for verb in Verb.all {
            let action = verb.action(generator.values(for: verb))
            #expect(Self.expectedVerb(action) == verb.name)
            #expect(Verb.describing(action).verb.name == verb.name)
        }
        #expect(Set(Verb.names).count == Verb.all.count, "a verb is in the table twice")
    }

    @Test("the printer writes the lines a person would")
    func examples() {
        #expect(ScenarioPrinter.line(.action(.peer("alice", .command(.send(to: "bob", text: "say \"hi\"\n"))), expectRefusal: true))
            == #"! alice send bob "say \"hi\"\n""#)
        #expect(ScenarioPrinter.line(.action(.peer("bob", .command(.group(.invite(group: "team", member: "carol")))), expectRefusal: false))
            == "bob invite team carol")
        #expect(ScenarioPrinter.line(.action(.peer("bob", .command(.login(password: "two words"))), expectRefusal: false))
            == #"bob login "two words""#)
        #expect(ScenarioPrinter.line(.action(.peer("bob", .crash), expectRefusal: false)) == "bob crash")
        #expect(ScenarioPrinter.line(.action(.partition([["alice"], ["bob", "registry"]]), expectRefusal: false))
            == "partition alice | bob registry")
        #expect(ScenarioPrinter.line(.expect(.sees(peer: "alice", friend: "bob", online: false), within: .seconds(30)))
            == "expect alice sees bob offline within 30s")
        #expect(ScenarioPrinter.line(.expect(.session(peer: "alice", loggedIn: true), within: nil)) == "expect alice logged-in")
    }

    @Test("a combining mark next to a quote or an escape is written as an escape")
    func combiningMarks() {
        #expect(ScenarioText.quote("\u{301}a") == #""\u{301}a""#)
        #expect(ScenarioText.quote("\\\u{301}") == #""\\\u{301}""#)
        #expect(ScenarioText.quote("a\u{600}") == #""a\u{600}""#)
        #expect(ScenarioText.quote("e\u{301}") == "\"e\u{301}\"", "a mark on a letter stays as it is")
    }
}
