import Testing
@testable import ConfChatScenario

/// Diagnostics as the user sees them: the full rendered text, caret included.
@Suite("Diagnostics")
struct DiagnosticTests {
    static let verbList = "register, login, logout, add-friend, accept, decline, remove-friend, send, crash, restart, "
        + "wipe, create-group, invite, join, leave-group, destroy-group, send-group"

    @Test func unknownVerb() {
        #expect(TestSupport.errors("peers alice bob\nalice sned bob \"hi\"\n") == """
            chat.scenario:2:7: error: unknown verb 'sned' (expected one of: \(Self.verbList))
            alice sned bob "hi"
                  ^
            """)
    }

    @Test func undeclaredPeer() {
        #expect(TestSupport.errors("peers alice\nalice add-friend bob   # bob was never declared\n") == """
            chat.scenario:2:18: error: undeclared peer 'bob' (no earlier 'peers' line declares it)
            alice add-friend bob   # bob was never declared
                             ^
            """)
    }

    @Test func peerDeclaredOnlyAfterItsUseIsUndeclared() {
        #expect(TestSupport.errors("peers alice\nexpect alice friends bob within 2s\npeers bob\nexpect alice friends bob\n") == """
            chat.scenario:2:22: error: undeclared peer 'bob' (no earlier 'peers' line declares it)
            expect alice friends bob within 2s
                                 ^
            """)
    }

    @Test func everyUndeclaredNameOfALineIsReported() {
        #expect(TestSupport.errors("peers bob\npartition alice | bob carol registry") == """
            chat.scenario:2:11: error: undeclared peer 'alice' (no earlier 'peers' line declares it)
            partition alice | bob carol registry
                      ^
            chat.scenario:2:23: error: undeclared peer 'carol' (no earlier 'peers' line declares it)
            partition alice | bob carol registry
                                  ^
            """)
    }

    @Test func badDuration() {
        #expect(TestSupport.errors("wait 5") == """
            chat.scenario:1:6: error: bad duration '5' (expected an integer and a unit: ms, s, m or h, as in 250ms or 5s)
            wait 5
                 ^
            """)
        #expect(TestSupport.errors("peers a\n  expect a logged-in within 1.5s") == """
            chat.scenario:2:29: error: bad duration '1.5s' (expected an integer and a unit: ms, s, m or h, as in 250ms or 5s)
              expect a logged-in within 1.5s
                                        ^
            """)
    }

    @Test func unterminatedString() {
        #expect(TestSupport.errors("peers alice bob\nalice send bob \"hello # no end\n") == """
            chat.scenario:2:16: error: unterminated string
            alice send bob "hello # no end
                           ^
            """)
    }

    @Test func badEscape() {
        #expect(TestSupport.errors("peers alice bob\nalice send bob \"a\\qb\"") == #"""
            chat.scenario:2:18: error: bad escape '\q' (allowed: \" \\ \n \t \u{HEX})
            alice send bob "a\qb"
                             ^
            """#)
        #expect(TestSupport.errors("peers alice bob\nalice send bob \"\\u{110000}\"") == #"""
            chat.scenario:2:17: error: bad escape: '\u{110000}' is not a Unicode scalar value
            alice send bob "\u{110000}"
                            ^
            """#)
        #expect(TestSupport.errors("peers alice bob\nalice send bob \"\\u1F600\"") == #"""
            chat.scenario:2:17: error: bad escape: '\u' must be followed by '{', 1 to 8 hex digits and '}', as in \u{1F600}
            alice send bob "\u1F600"
                            ^
            """#)
    }

    @Test func includeCycle() throws {
        let folder = try TestSupport.folder(with: [
            "a.scenario": "peers alice\ninclude \"sub/b.scenario\"\n",
            "sub/b.scenario": "# b includes a back\ninclude \"../a.scenario\"\n",
        ])
        defer { TestSupport.removeFolder(folder) }
        #expect(TestSupport.loadErrors(folder + "/a.scenario") == """
            \(folder)/sub/b.scenario:2:9: error: include cycle: \(folder)/a.scenario -> \(folder)/sub/b.scenario -> \(folder)/a.scenario
            include "../a.scenario"
                    ^
            """)
    }

    @Test func fileIncludingItselfIsACycle() throws {
        let folder = try TestSupport.folder(with: ["self.scenario": "include \"./self.scenario\""])
        defer { TestSupport.removeFolder(folder) }
        #expect(TestSupport.loadErrors(folder + "/self.scenario") == """
            \(folder)/self.scenario:1:9: error: include cycle: \(folder)/self.scenario -> \(folder)/self.scenario
            include "./self.scenario"
                    ^
            """)
    }

    @Test func missingInclude() throws {
        let folder = try TestSupport.folder(with: [:])
        defer { TestSupport.removeFolder(folder) }
        #expect(TestSupport.errors("peers alice\n  include \"setup/../nothing.scenario\"  # gone",
                                   path: folder + "/main.scenario") == """
            \(folder)/main.scenario:2:11: error: cannot include '\(folder)/nothing.scenario': no such file
              include "setup/../nothing.scenario"  # gone
                      ^
            """)
    }

    @Test func bangBeforeExpect() {
        #expect(TestSupport.errors("peers alice\n! expect alice logged-in") == """
            chat.scenario:2:1: error: '!' is only allowed before an action, not before 'expect'
            ! expect alice logged-in
            ^
            """)
    }

    @Test func bangBeforeWaitOrDirective() {
        #expect(TestSupport.errors("!wait 1s\n! peers alice") == """
            chat.scenario:1:1: error: '!' is only allowed before an action, not before 'wait'
            !wait 1s
            ^
            chat.scenario:2:1: error: '!' is only allowed before an action, not before 'peers'
            ! peers alice
            ^
            """)
    }

    /// Errors of the whole file set come together, in execution order (an included
    /// file's errors where it is included), and a broken line does not stop the check.
    @Test func multipleErrorsReportedTogetherInLineOrder() throws {
        let folder = try TestSupport.folder(with: [
            "setup/common.scenario": "peers alice bob\nalice register\n",
            "main.scenario": """
                # several mistakes
                transport carrier-pigeon
                include "setup/common.scenario"
                alice send bob hello
                expect bob recieved alice "hello"
                alice login pw extra
                wait 10
                """,
        ])
        defer { TestSupport.removeFolder(folder) }
        #expect(TestSupport.loadErrors(folder + "/main.scenario") == """
            \(folder)/main.scenario:2:11: error: unknown transport 'carrier-pigeon' (expected one of: inproc, ipc, tcp)
            transport carrier-pigeon
                      ^
            \(folder)/setup/common.scenario:2:15: error: expected a password after 'register'
            alice register
                          ^
            \(folder)/main.scenario:4:16: error: expected a quoted message text
            alice send bob hello
                           ^
            \(folder)/main.scenario:5:12: error: unknown expectation 'recieved' (expected one of: received, conversation, sent, sees, friends, requests, logged-in, logged-out, group, members)
            expect bob recieved alice "hello"
                       ^
            \(folder)/main.scenario:6:16: error: unexpected 'extra' at the end of the statement
            alice login pw extra
                           ^
            \(folder)/main.scenario:7:6: error: bad duration '10' (expected an integer and a unit: ms, s, m or h, as in 250ms or 5s)
            wait 10
                 ^
            """)
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(TestSupport.errors("peers alice bob\nalice send bob \"héllo 👋\" bob") == """
            chat.scenario:2:26: error: unexpected 'bob' at the end of the statement
            alice send bob "héllo 👋" bob
                                     ^
            """)
    }

    @Test func caretFollowsTabsOfTheLine() {
        #expect(TestSupport.errors("\twait  \t5x") == "chat.scenario:1:9: error: bad duration '5x' "
            + "(expected an integer and a unit: ms, s, m or h, as in 250ms or 5s)\n\twait  \t5x\n\t      \t^")
    }

    @Test func registryIsReservedAsAPeerName() {
        #expect(TestSupport.errors("peers alice registry\npeers alice\nalice add-friend registry") == """
            chat.scenario:1:13: error: 'registry' is reserved for the registry and cannot be a peer name
            peers alice registry
                        ^
            chat.scenario:3:18: error: 'registry' is reserved for the registry and cannot be a peer name
            alice add-friend registry
                             ^
            """)
    }

    @Test func misspeltKeywordIsAnUnknownStatement() {
        #expect(TestSupport.errors("peers alice\nexepct alice logged-in") == """
            chat.scenario:2:1: error: unknown statement 'exepct' (expected a directive, 'expect', or a declared peer followed by a verb)
            exepct alice logged-in
            ^
            """)
    }

    @Test func partitionShapes() {
        #expect(TestSupport.errors("peers a b\npartition a b\npartition a | | b\npartition a |\npartition a | b a") == """
            chat.scenario:2:14: error: a partition needs at least two groups separated by '|'
            partition a b
                         ^
            chat.scenario:3:15: error: empty group in partition (expected peer names before '|')
            partition a | | b
                          ^
            chat.scenario:4:14: error: expected peer names after '|'
            partition a |
                         ^
            chat.scenario:5:17: error: 'a' appears twice in the partition
            partition a | b a
                            ^
            """)
    }

    /// A grab bag of shape errors, each on its own line, to pin their messages.
    @Test func argumentErrors() {
        let source = """
            peers alice bob
            peers alice bob Carol
            seed -1
            alice send bob
            alice
            alice create-group Team
            expect alice sees bob maybe
            expect alice friends bob bob
            registry reboot
            expect alice logged-in within
            include common.scenario
            alice add-friend bob | alice
            alice 'hi'
            """
        #expect(TestSupport.errors(source) == """
            chat.scenario:2:17: error: bad peer name 'Carol' (expected a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')
            peers alice bob Carol
                            ^
            chat.scenario:3:6: error: bad seed '-1' (expected a non-negative integer)
            seed -1
                 ^
            chat.scenario:4:15: error: expected a quoted message text
            alice send bob
                          ^
            chat.scenario:5:6: error: expected a verb after 'alice' (one of: \(Self.verbList))
            alice
                 ^
            chat.scenario:6:20: error: bad group name 'Team' (expected a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')
            alice create-group Team
                               ^
            chat.scenario:7:23: error: expected 'online' or 'offline', found 'maybe'
            expect alice sees bob maybe
                                  ^
            chat.scenario:8:26: error: 'bob' is listed twice
            expect alice friends bob bob
                                     ^
            chat.scenario:9:10: error: unknown registry action 'reboot' (expected 'crash' or 'restart')
            registry reboot
                     ^
            chat.scenario:10:30: error: expected a duration after 'within'
            expect alice logged-in within
                                         ^
            chat.scenario:11:9: error: expected a quoted path after 'include', found 'common.scenario'
            include common.scenario
                    ^
            chat.scenario:12:22: error: unexpected '|' at the end of the statement
            alice add-friend bob | alice
                                 ^
            chat.scenario:13:7: error: unexpected character ''' (strings are written between straight double quotes: "...")
            alice 'hi'
                  ^
            """)
    }

    /// More shapes: stray `!`, a peer used before its `peers` line, missing parts, a
    /// backslash that leaves a string open, a check written without `expect`.
    @Test func moreShapeErrors() {
        let source = #"""
            !
            alice logout !
            bob login x
            peers alice bob
            expect alice
            expect alice received bob within 5s
            alice send bob "x" "y"
            "hello"
            alice 👋
            alice send bob "a\
            alice sees bob online
            """#
        #expect(TestSupport.errors(source) == #"""
            chat.scenario:1:2: error: expected an action after '!'
            !
             ^
            chat.scenario:2:14: error: unexpected '!' (a single '!' may only start a line)
            alice logout !
                         ^
            chat.scenario:3:1: error: undeclared peer 'bob' (no earlier 'peers' line declares it)
            bob login x
            ^
            chat.scenario:5:13: error: expected what to expect after 'alice' (one of: received, conversation, sent, sees, friends, requests, logged-in, logged-out, group, members)
            expect alice
                        ^
            chat.scenario:6:27: error: expected a quoted message text
            expect alice received bob within 5s
                                      ^
            chat.scenario:7:20: error: unexpected quoted string "y" at the end of the statement
            alice send bob "x" "y"
                               ^
            chat.scenario:8:1: error: expected a statement, found quoted string "hello"
            "hello"
            ^
            chat.scenario:9:7: error: unexpected character '👋' (U+1F44B WAVING HAND SIGN)
            alice 👋
                  ^
            chat.scenario:10:16: error: unterminated string
            alice send bob "a\
                           ^
            chat.scenario:11:7: error: unknown verb 'sees' (expected one of: \#(Self.verbList); to check what a peer holds or sees, start the line with 'expect')
            alice sees bob online
                  ^
            """#)
    }

    @Test func diagnosticAboutAWholeFileHasNoSourceLine() {
        let diagnostic = Diagnostic(location: ConfChatScenario.SourceLocation(file: "x.scenario", line: 0, column: 0),
                                    message: "no such file", sourceLine: "")
        #expect(diagnostic.rendered() == "x.scenario:0:0: error: no such file")
    }
}
