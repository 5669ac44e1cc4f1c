import Testing
import ConfChatCore
@testable import ConfChatScenario

/// Small value types and helpers: durations, paths, names, rendering.
@Suite("Values")
struct ValueTests {
    @Test(arguments: [
        ("250ms", 250), ("5s", 5_000), ("2m", 120_000), ("1h", 3_600_000), ("0s", 0), ("007ms", 7),
    ] as [(String, Int64)])
    func durationParses(text: String, milliseconds: Int64) {
        #expect(ScenarioDuration(parsing: text) == ScenarioDuration(milliseconds: milliseconds))
    }

    @Test(arguments: ["5", "s", "5sec", "-5s", "1.5s", "5 s", "5S", "", "99999999999999999999ms", "9999999999999999h",
                           "5\u{301}s", "55\u{301}ms", "\u{0665}s", "5s\u{301}"])
    func durationRejects(text: String) {
        #expect(ScenarioDuration(parsing: text) == nil)
    }

    @Test func durationDescriptionUsesTheLargestExactUnit() {
        #expect([250, 1_500, 5_000, 60_000, 90_000, 120_000, 3_600_000, 7_200_000, 0, -2_000]
            .map { ScenarioDuration(milliseconds: $0).description }
            == ["250ms", "1500ms", "5s", "1m", "90s", "2m", "1h", "2h", "0s", "-2s"])
        #expect(ScenarioDuration.seconds(1) < .milliseconds(1_001))
    }

    @Test func sourceLocationDescription() {
        #expect(ConfChatScenario.SourceLocation(file: "a/b.scenario", line: 3, column: 14).description == "a/b.scenario:3:14")
    }

    @Test(arguments: [
        ("a/./b/../c.scenario", "a/c.scenario"), ("./x", "x"), ("../../x", "../../x"), ("a/../../x", "../x"),
        ("/a/../../x", "/x"), ("//a//b/", "/a/b"), ("", "."), ("a/..", "."),
    ])
    func pathNormalization(path: String, normalized: String) {
        #expect(ScenarioPath.normalize(path) == normalized)
    }

    @Test func pathJoin() {
        #expect(ScenarioPath.join(ScenarioPath.directory(of: "basics.scenario"), "setup/x.scenario") == "setup/x.scenario")
        #expect(ScenarioPath.join(ScenarioPath.directory(of: "s/a.scenario"), "../b.scenario") == "b.scenario")
        #expect(ScenarioPath.join(ScenarioPath.directory(of: "/a.scenario"), "b.scenario") == "/b.scenario")
        #expect(ScenarioPath.join("s", "/abs/b.scenario") == "/abs/b.scenario")
    }

    @Test(arguments: ["a", "alice", "a-b_c9", "z" + String(repeating: "9", count: 31)])
    func validNames(name: String) {
        #expect(PeerName.isValid(name))
    }

    @Test(arguments: ["", "Alice", "9lives", "-a", "_a", "a.b", "a@b", "élodie", "a" + String(repeating: "b", count: 32)])
    func invalidNames(name: String) {
        #expect(!PeerName.isValid(name))
    }

    @Test func lexerDecodesEscapesAndCountsColumnsInCharacters() throws {
        let output = try LineLexer.lex(Array("  ! é \"a\\\"b\\u{41}\"|x # c"))
        #expect(output.tokens == [
            Token(kind: .bang, text: "!", column: 3, endColumn: 4),
            Token(kind: .word, text: "é", column: 5, endColumn: 6),
            Token(kind: .string, text: "a\"bA", column: 7, endColumn: 19),
            Token(kind: .pipe, text: "|", column: 19, endColumn: 20),
            Token(kind: .word, text: "x", column: 20, endColumn: 21),
        ])
        #expect(output.text == "! é \"a\\\"b\\u{41}\"|x")
        #expect(output.endColumn == 21)
    }

    @Test func scenarioErrorsDescriptionJoinsRenderedDiagnostics() {
        let one = Diagnostic(location: ConfChatScenario.SourceLocation(file: "f", line: 1, column: 3), message: "m1", sourceLine: "abcd")
        let two = Diagnostic(location: ConfChatScenario.SourceLocation(file: "f", line: 2, column: 6), message: "m2", sourceLine: "ab")
        #expect(ScenarioErrors(diagnostics: [one, two]).description == "f:1:3: error: m1\nabcd\n  ^\nf:2:6: error: m2\nab\n     ^")
    }
}
