import Testing
import ConfChatCore
@testable import ConfChatScenario

/// One test per statement kind: the parsed value of each form the spec lists.
@Suite("Statement kinds")
struct StatementKindTests {
    @Test func peers() {
        #expect(TestSupport.kinds("peers alice bob\npeers carol alice carol-2 d_e") == [
            .peers(["alice", "bob"]),
            .peers(["carol", "alice", "carol-2", "d_e"]),
        ])
    }

    @Test func peersLineDropsRepeatsAndScenarioListsEachPeerOnce() throws {
        let scenario = try ScenarioLoader.parse(source: "peers bob alice bob\npeers carol alice", path: "t.scenario")
        #expect(scenario.statements.map(\.kind) == [.peers(["bob", "alice"]), .peers(["carol", "alice"])])
        #expect(scenario.declaredPeers == ["bob", "alice", "carol"])
    }

    @Test(arguments: TransportKind.allCases)
    func transport(kind: TransportKind) {
        #expect(TestSupport.kinds("transport \(kind.rawValue)") == [.transport(kind)])
    }

    @Test func seed() {
        #expect(TestSupport.kinds("seed 42\nseed 0\nseed 18446744073709551615") == [
            .seed(42), .seed(0), .seed(UInt64.max),
        ])
    }

    @Test func timeout() {
        #expect(TestSupport.kinds("timeout 5s\ntimeout 250ms") == [
            .timeout(.seconds(5)), .timeout(.milliseconds(250)),
        ])
    }

    @Test func presenceTimeout() {
        #expect(TestSupport.kinds("presence-timeout 2m\npresence-timeout 1h") == [
            .presenceTimeout(.minutes(2)), .presenceTimeout(.hours(1)),
        ])
    }

    static let peerActions: [(String, Action)] = [
        ("alice register s3cret", .peer("alice", .command(.register(password: "s3cret")))),
        ("alice register \"two words # not a comment\"", .peer("alice", .command(.register(password: "two words # not a comment")))),
        ("alice login pw-a:x@y/z.1", .peer("alice", .command(.login(password: "pw-a:x@y/z.1")))),
        ("alice logout", .peer("alice", .command(.logout))),
        ("alice add-friend bob", .peer("alice", .command(.addFriend("bob")))),
        ("alice accept bob", .peer("alice", .command(.accept("bob")))),
        ("alice decline bob", .peer("alice", .command(.decline("bob")))),
        ("alice remove-friend bob", .peer("alice", .command(.removeFriend("bob")))),
        ("alice send bob \"hello bob\"", .peer("alice", .command(.send(to: "bob", text: "hello bob")))),
        ("alice send bob \"\"", .peer("alice", .command(.send(to: "bob", text: "")))),
        ("alice send bob \"hi 👋 # \\\"q\\\" \\\\ \\n\\t\\u{1F600}\"", .peer("alice", .command(.send(to: "bob", text: "hi 👋 # \"q\" \\ \n\t😀")))),
        ("alice crash", .peer("alice", .crash)),
        ("alice restart", .peer("alice", .restart)),
        ("alice wipe", .peer("alice", .wipe)),
        ("alice create-group team", .peer("alice", .command(.group(.create("team"))))),
        ("alice invite team bob", .peer("alice", .command(.group(.invite(group: "team", member: "bob"))))),
        ("bob join team", .peer("bob", .command(.group(.join("team"))))),
        ("bob leave-group team", .peer("bob", .command(.group(.leave("team"))))),
        ("alice destroy-group team", .peer("alice", .command(.group(.destroy("team"))))),
        ("alice send-group team \"welcome\"", .peer("alice", .command(.group(.send(group: "team", text: "welcome"))))),
    ]

    @Test(arguments: peerActions)
    func peerAction(line: String, action: Action) {
        #expect(TestSupport.lastKind("peers alice bob\n\(line)") == .action(action, expectRefusal: false))
        #expect(action.actor != nil)
    }

    static let networkActions: [(String, Action)] = [
        ("wait 30s", .wait(.seconds(30))),
        ("partition alice | bob registry", .partition([["alice"], ["bob", "registry"]])),
        ("partition alice|bob|registry", .partition([["alice"], ["bob"], ["registry"]])),
        ("heal", .heal),
        ("registry crash", .registryCrash),
        ("registry restart", .registryRestart),
    ]

    @Test(arguments: networkActions)
    func networkAction(line: String, action: Action) {
        #expect(TestSupport.lastKind("peers alice bob\n\(line)") == .action(action, expectRefusal: false))
        #expect(action.actor == nil)
    }

    @Test func refusal() {
        #expect(TestSupport.kinds("peers alice bob\n! alice login wrong\n!alice add-friend bob\n! registry restart") == [
            .peers(["alice", "bob"]),
            .action(.peer("alice", .command(.login(password: "wrong"))), expectRefusal: true),
            .action(.peer("alice", .command(.addFriend("bob"))), expectRefusal: true),
            .action(.registryRestart, expectRefusal: true),
        ])
    }

    static let expectations: [(String, ConfChatScenario.Expectation)] = [
        ("expect bob received alice \"text\"", .received(peer: "bob", from: "alice", text: "text")),
        ("expect bob conversation alice \"a\" \"b\" \"a\"", .conversation(peer: "bob", with: "alice", texts: ["a", "b", "a"])),
        ("expect bob conversation alice", .conversation(peer: "bob", with: "alice", texts: [])),
        ("expect alice sent bob \"a\" \"\"", .sent(peer: "alice", to: "bob", texts: ["a", ""])),
        ("expect alice sees bob online", .sees(peer: "alice", friend: "bob", online: true)),
        ("expect alice sees bob offline", .sees(peer: "alice", friend: "bob", online: false)),
        ("expect alice friends bob carol", .friends(peer: "alice", names: ["bob", "carol"])),
        ("expect alice friends", .friends(peer: "alice", names: [])),
        ("expect alice requests carol bob", .requests(peer: "alice", names: ["carol", "bob"])),
        ("expect alice logged-in", .session(peer: "alice", loggedIn: true)),
        ("expect alice logged-out", .session(peer: "alice", loggedIn: false)),
        ("expect bob group team alice \"a\" \"b\"", .group(peer: "bob", group: "team", from: "alice", texts: ["a", "b"])),
        ("expect bob members team alice bob", .members(peer: "bob", group: "team", names: ["alice", "bob"])),
        ("expect bob members team", .members(peer: "bob", group: "team", names: [])),
    ]

    @Test(arguments: expectations)
    func expectation(line: String, expectation: ConfChatScenario.Expectation) {
        let source = "peers alice bob carol\n\(line)"
        #expect(TestSupport.lastKind(source) == .expect(expectation, within: nil))
        #expect(TestSupport.lastKind(source + " within 10s") == .expect(expectation, within: .seconds(10)))
        #expect(expectation.peer == line.split(separator: " ")[1])
    }

    @Test func statementKeepsLocationAndTrimmedSourceWithoutComment() throws {
        let scenario = try ScenarioLoader.parse(
            source: "# header\n\n   peers alice bob   # two peers\n\t! alice send bob \"# kept\"  # comment\n",
            path: "dir/x.scenario")
        #expect(scenario.statements == [
            Statement(location: ConfChatScenario.SourceLocation(file: "dir/x.scenario", line: 3, column: 4),
                      source: "peers alice bob", kind: .peers(["alice", "bob"])),
            Statement(location: ConfChatScenario.SourceLocation(file: "dir/x.scenario", line: 4, column: 2),
                      source: "! alice send bob \"# kept\"",
                      kind: .action(.peer("alice", .command(.send(to: "bob", text: "# kept"))), expectRefusal: true)),
        ])
    }

    @Test func keywordsAreNotReservedForPeersOtherThanRegistry() {
        #expect(TestSupport.kinds("peers wait heal\nwait login pw\nwait 5s\nheal\nheal add-friend wait\nexpect wait friends heal") == [
            .peers(["wait", "heal"]),
            .action(.peer("wait", .command(.login(password: "pw"))), expectRefusal: false),
            .action(.wait(.seconds(5)), expectRefusal: false),
            .action(.heal, expectRefusal: false),
            .action(.peer("heal", .command(.addFriend("wait"))), expectRefusal: false),
            .expect(.friends(peer: "wait", names: ["heal"]), within: nil),
        ])
    }

    @Test func peerNamedWithinStaysUsableInNameLists() {
        #expect(TestSupport.kinds("peers alice within\nexpect alice friends within\nexpect alice friends within within 3s") == [
            .peers(["alice", "within"]),
            .expect(.friends(peer: "alice", names: ["within"]), within: nil),
            .expect(.friends(peer: "alice", names: ["within"]), within: .seconds(3)),
        ])
    }

    @Test func longestPeerNameIs32Characters() {
        let name = "a" + String(repeating: "b", count: 31)
        #expect(TestSupport.kinds("peers \(name)") == [.peers([name])])
        #expect(TestSupport.errors("peers \(name)b") != nil)
    }
}
