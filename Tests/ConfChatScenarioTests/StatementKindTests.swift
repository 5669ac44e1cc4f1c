import Testing
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
        ("alice register s3cret", .register(peer: "alice", password: "s3cret")),
        ("alice register \"two words # not a comment\"", .register(peer: "alice", password: "two words # not a comment")),
        ("alice login pw-a:x@y/z.1", .login(peer: "alice", password: "pw-a:x@y/z.1")),
        ("alice logout", .logout(peer: "alice")),
        ("alice add-friend bob", .addFriend(peer: "alice", other: "bob")),
        ("alice accept bob", .accept(peer: "alice", other: "bob")),
        ("alice decline bob", .decline(peer: "alice", other: "bob")),
        ("alice remove-friend bob", .removeFriend(peer: "alice", other: "bob")),
        ("alice send bob \"hello bob\"", .send(peer: "alice", to: "bob", text: "hello bob")),
        ("alice send bob \"\"", .send(peer: "alice", to: "bob", text: "")),
        ("alice send bob \"hi 👋 # \\\"q\\\" \\\\ \\n\\t\\u{1F600}\"", .send(peer: "alice", to: "bob", text: "hi 👋 # \"q\" \\ \n\t😀")),
        ("alice crash", .crash(peer: "alice")),
        ("alice restart", .restart(peer: "alice")),
        ("alice wipe", .wipe(peer: "alice")),
        ("alice create-group team", .createGroup(peer: "alice", group: "team")),
        ("alice invite team bob", .invite(peer: "alice", group: "team", other: "bob")),
        ("bob join team", .join(peer: "bob", group: "team")),
        ("bob leave-group team", .leaveGroup(peer: "bob", group: "team")),
        ("alice destroy-group team", .destroyGroup(peer: "alice", group: "team")),
        ("alice send-group team \"welcome\"", .sendGroup(peer: "alice", group: "team", text: "welcome")),
    ]

    @Test(arguments: peerActions)
    func peerAction(line: String, action: Action) {
        #expect(TestSupport.lastKind("peers alice bob\n\(line)") == .action(action, expectRefusal: false))
        #expect(action.peer != nil)
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
        #expect(action.peer == nil)
    }

    @Test func refusal() {
        #expect(TestSupport.kinds("peers alice bob\n! alice login wrong\n!alice add-friend bob\n! registry restart") == [
            .peers(["alice", "bob"]),
            .action(.login(peer: "alice", password: "wrong"), expectRefusal: true),
            .action(.addFriend(peer: "alice", other: "bob"), expectRefusal: true),
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
                      kind: .action(.send(peer: "alice", to: "bob", text: "# kept"), expectRefusal: true)),
        ])
    }

    @Test func keywordsAreNotReservedForPeersOtherThanRegistry() {
        #expect(TestSupport.kinds("peers wait heal\nwait login pw\nwait 5s\nheal\nheal add-friend wait\nexpect wait friends heal") == [
            .peers(["wait", "heal"]),
            .action(.login(peer: "wait", password: "pw"), expectRefusal: false),
            .action(.wait(.seconds(5)), expectRefusal: false),
            .action(.heal, expectRefusal: false),
            .action(.addFriend(peer: "heal", other: "wait"), expectRefusal: false),
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
