import Testing
@testable import ConfChatScenario

/// Fault points (`alice crash mid-input after step 2`, a conf-chat extension beyond version
/// 1.2): both forms, the errors a careless line gets, pointed at the token, and that a plain
/// `crash` still means what version 1 says.
@Suite("Fault point statements")
struct FaultPointStatementTests {
    static func kind(_ line: String) -> StatementKind? {
        TestSupport.lastKind("peers alice bob\n" + line)
    }

    @Test func bothForms() {
        #expect(Self.kind("alice crash mid-input after step 2") == .action(.crashMidInput(node: "alice", afterStep: 2), expectRefusal: false))
        #expect(Self.kind("registry crash mid-input after step 0") == .action(.crashMidInput(node: "registry", afterStep: 0), expectRefusal: false))
        #expect(Self.kind("! bob crash mid-input after step 10000") == .action(.crashMidInput(node: "bob", afterStep: 10_000), expectRefusal: true))
        #expect(Self.kind("! registry crash mid-input after step 1") == .action(.crashMidInput(node: "registry", afterStep: 1), expectRefusal: true))
        // Version 1's statements are untouched.
        #expect(Self.kind("alice crash") == .action(.peer("alice", .crash), expectRefusal: false))
        #expect(Self.kind("registry crash") == .action(.registryCrash, expectRefusal: false))
    }

    @Test func printsAsWritten() {
        for line in ["alice crash mid-input after step 2", "registry crash mid-input after step 0"] {
            guard case let .action(action, _)? = Self.kind(line) else {
                Issue.record("\(line) did not parse")
                continue
            }
            #expect(ScenarioPrinter.line(action) == line)
        }
    }

    @Test func badSteps() {
        #expect(TestSupport.errors("peers alice\nalice crash mid-input after step two") == """
            chat.scenario:2:34: error: bad step 'two' (expected a whole number from 0 to 10000: how many steps of the input are carried out before the crash)
            alice crash mid-input after step two
                                             ^
            """)
        #expect(TestSupport.errors("registry crash mid-input after step 10001") == """
            chat.scenario:1:37: error: step '10001' is too large (the largest is 10000; a step past an input's last crashes the node right after it)
            registry crash mid-input after step 10001
                                                ^
            """)
        #expect((TestSupport.errors("peers alice\nalice crash mid-input after step -1") ?? "").hasPrefix("chat.scenario:2:34: error: bad step '-1'"))
        #expect((TestSupport.errors("peers alice\nalice crash mid-input after step 99999999999999999999999") ?? "")
            .hasPrefix("chat.scenario:2:34: error: step '99999999999999999999999' is too large"))
        #expect((TestSupport.errors("peers alice\nalice crash mid-input after step") ?? "")
            .hasPrefix("chat.scenario:2:33: error: expected a step number (0 to 10000) after 'step'"))
        #expect((TestSupport.errors("peers alice\nalice crash mid-input after step 2 now") ?? "")
            .hasPrefix("chat.scenario:2:36: error: unexpected 'now' at the end of the statement"))
    }

    @Test func badWords() {
        #expect(TestSupport.errors("peers alice\nalice crash after step 2") == """
            chat.scenario:2:13: error: unexpected 'after' after 'crash' (a crash part way through an input is written: alice crash mid-input after step N)
            alice crash after step 2
                        ^
            """)
        #expect((TestSupport.errors("peers alice\nalice crash mid-input step 2") ?? "")
            .hasPrefix("chat.scenario:2:23: error: expected 'after', found 'step' (as in: alice crash mid-input after step N)"))
        #expect((TestSupport.errors("peers alice\nalice crash mid-input") ?? "")
            .hasPrefix("chat.scenario:2:22: error: expected 'after' after 'mid-input' (as in: alice crash mid-input after step N)"))
        #expect((TestSupport.errors("registry crash now") ?? "")
            .hasPrefix("chat.scenario:1:16: error: unexpected 'now' after 'crash' (a crash part way through an input is written: registry crash mid-input after step N)"))
        #expect((TestSupport.errors("peers alice\ncarol crash mid-input after step 1") ?? "").hasPrefix("chat.scenario:2:1: error: undeclared peer 'carol'"))
    }

    @Test("the docs' example of a fault point parses to one")
    func documented() throws {
        let row = try #require(VerbTableDocsTests.rowExamples.first { $0.contains(" mid-input ") && !$0.hasPrefix("registry") })
        guard case .action(.crashMidInput, false)? = TestSupport.lastKind("peers alice bob carol\n\(row)") else {
            Issue.record("'\(row)' is not a fault point")
            return
        }
        let registryRow = try #require(VerbTableDocsTests.rowExamples.first { $0.hasPrefix("registry crash mid-input") })
        #expect(TestSupport.lastKind(registryRow) == .action(.crashMidInput(node: "registry", afterStep: 0), expectRefusal: false))
    }
}
