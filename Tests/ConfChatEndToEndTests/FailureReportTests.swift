import ConfChatScenario
import ConfChatSimulator
import Foundation
import Testing

/// A line that does not hold fails the scenario with a report naming `FILE:LINE`, the
/// statement, and what was found instead; `!` on an action that succeeds fails.
@Suite struct FailureReportTests {
    /// The shared story: alice and bob are friends, bob holds "hello" and "second" from
    /// alice, carol is registered and logged out.
    private static let story = E2ESupport.twoFriends + """
        peers carol
        carol register c
        alice send bob "hello"
        alice send bob "second"
        expect bob conversation alice "hello" "second"

        """

    struct WrongExpectation: Sendable, CustomTestStringConvertible {
        var line: String
        /// What the report must say was found instead.
        var actual: String
        var testDescription: String { line }
    }

    @Test("a wrong expectation names FILE:LINE and what the peer actually holds", arguments: [
        WrongExpectation(line: #"expect bob conversation alice "hello" "other""#, actual: #"bob holds from alice: "hello" "second""#),
        WrongExpectation(line: #"expect bob conversation alice "hello""#, actual: #"bob holds from alice: "hello" "second""#),
        WrongExpectation(line: "expect bob conversation alice", actual: #"bob holds from alice: "hello" "second""#),
        WrongExpectation(line: #"expect bob received alice "never sent""#, actual: #"bob holds from alice: "hello" "second""#),
        WrongExpectation(line: #"expect alice conversation bob "hi""#, actual: "alice holds from bob: no messages"),
        WrongExpectation(line: #"expect alice sent bob "second" "hello""#, actual: #"alice holds as sent to bob: "hello" "second""#),
        WrongExpectation(line: "expect alice sees bob offline", actual: "alice sees bob online"),
        WrongExpectation(line: "expect alice sees carol online", actual: "carol is not a friend of alice"),
        WrongExpectation(line: "expect alice friends bob carol", actual: "alice's friends: bob"),
        WrongExpectation(line: "expect carol friends bob", actual: "carol's friends: none"),
        WrongExpectation(line: "expect bob requests alice", actual: "bob's pending requests: none"),
        WrongExpectation(line: "expect carol logged-in", actual: "carol is logged out"),
        WrongExpectation(line: "expect alice logged-out within 1s", actual: "alice is logged in"),
    ])
    func wrongExpectation(_ w: WrongExpectation) throws {
        let path = "wrong-expectation.scenario"
        let source = Self.story + w.line + "   # the wrong line\nexpect alice friends   # also wrong: alice has bob\n"
        guard let outcome = try E2ESupport.run(source: source, path: path),
              let line = E2ESupport.line(of: "# the wrong line", in: source) else { return }
        #expect(!outcome.passed)
        // The first failing line ends the run: the (also wrong) line after it never runs.
        try #require(outcome.failures.count == 1, "\(E2ESupport.report(outcome))")
        let failure = outcome.failures[0]
        #expect(failure.location.file == path)
        #expect(failure.location.line == line)
        #expect(failure.source == w.line)
        #expect(failure.detail.contains(w.actual), "detail: \(failure.detail)")
        #expect(failure.description.hasPrefix("\(path):\(line): \(w.line)\n"), "report: \(failure.description)")
        #expect(failure.description.contains(w.actual))
    }

    @Test("the report says how long the expectation waited, in simulated time")
    func reportNamesTheBudget() throws {
        let source = Self.story + "expect alice sees bob offline within 3s\n"
        guard let outcome = try E2ESupport.run(source: source) else { return }
        try #require(outcome.failures.count == 1)
        #expect(outcome.failures[0].detail.contains("after waiting 3s"), "\(outcome.failures[0].detail)")
    }

    @Test("keep-going reports every failing line, in order")
    func keepGoing() throws {
        let source = Self.story + """
            expect bob conversation alice "x"   # first
            expect alice sees bob online
            expect alice friends carol          # second
            alice send carol "not a friend"     # third

            """
        guard let outcome = try E2ESupport.run(source: source, options: .init(keepGoing: true)) else { return }
        let lines = ["# first", "# second", "# third"].compactMap { E2ESupport.line(of: $0, in: source) }
        #expect(outcome.failures.map(\.location.line) == lines, "\(E2ESupport.report(outcome))")
        #expect(outcome.failures.last?.detail.contains("refused") == true)
        #expect(outcome.failures.last?.detail.contains("carol is not a friend of alice") == true)
    }

    @Test("a failure inside an included file names that file and its line")
    func failureInInclude() throws {
        let folder = try E2ESupport.folder(with: [
            "main.scenario": "include \"setup/friends.scenario\"\nalice send bob \"hi\"\n",
            "setup/friends.scenario": E2ESupport.twoFriends + "expect bob friends   # wrong\n",
        ])
        defer { E2ESupport.remove(folder) }
        guard let outcome = try E2ESupport.run(file: folder + "/main.scenario") else { return }
        try #require(outcome.failures.count == 1)
        let failure = outcome.failures[0]
        #expect(failure.location.file.hasSuffix("setup/friends.scenario"), "\(failure.location)")
        #expect(failure.location.line == E2ESupport.line(of: "# wrong", in: E2ESupport.twoFriends + "expect bob friends   # wrong\n"))
        #expect(failure.detail.contains("bob's friends: alice"))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var line: String
        var testDescription: String { line }
    }

    @Test("`!` on an action that succeeds fails the scenario", arguments: [
        #"! alice send bob "this works""#,
        "! alice logout",
        "! carol login c",
        "! alice remove-friend bob",
        "! alice add-friend carol",
        "! bob crash",
        "! registry crash",
        "! partition alice | bob",
        "! heal",
    ])
    func refusalThatSucceeds(_ line: String) throws {
        let source = Self.story + line + "   # must fail\n"
        guard let outcome = try E2ESupport.run(source: source) else { return }
        try #require(outcome.failures.count == 1, "\(E2ESupport.report(outcome))")
        #expect(outcome.failures[0].location.line == E2ESupport.line(of: "# must fail", in: source))
        #expect(outcome.failures[0].detail.contains("expected a refusal, but the action succeeded"))
    }

    @Test("`!` on an action that is refused passes, and the trace gives the error's text")
    func refusalThatIsRefused() throws {
        let source = Self.story + """
            ! alice login a                # already logged in
            ! carol login wrong            # wrong password
            ! alice send carol "stranger"

            """
        let recorder = TraceRecorder()
        guard let outcome = try E2ESupport.run(source: source, options: .init(trace: recorder)) else { return }
        #expect(outcome.passed, "\(E2ESupport.report(outcome))")
        let refusals = recorder.events.compactMap { e -> String? in
            if case let .outcome(_, true, detail) = e.kind { detail } else { nil }
        }
        #expect(refusals.count == 3)
        #expect(refusals.contains { $0.contains("wrong password") }, "\(refusals)")
        #expect(refusals.contains { $0.contains("carol is not a friend of alice") }, "\(refusals)")
    }

    @Test("`timeout` sets the budget of later expectations; `within` overrides it")
    func timeoutDirective() throws {
        let base = E2ESupport.twoFriends + "presence-timeout 5s\ntimeout 1s\nbob crash\n"
        // The crash is noticed after the 5 s presence timeout: a 1 s budget is too short...
        guard let short = try E2ESupport.run(source: base + "expect alice sees bob offline   # too soon\n") else { return }
        try #require(short.failures.count == 1)
        #expect(short.failures[0].detail.contains("alice sees bob online (after waiting 1s)"), "\(short.failures[0].detail)")
        // ...and `within` gives the expectation the time it needs.
        guard let long = try E2ESupport.run(source: base + "expect alice sees bob offline within 10s\n") else { return }
        #expect(long.passed, "\(E2ESupport.report(long))")
        #expect(long.simulatedTime.milliseconds >= 5000, "the clock moved past the presence timeout")
        #expect(long.simulatedTime.milliseconds <= 10000)
    }

    @Test("`presence-timeout` decides when a silent friend counts as offline")
    func presenceTimeoutDirective() throws {
        let source = E2ESupport.twoFriends + """
            presence-timeout 20s
            bob crash
            wait 15s
            expect alice sees bob online within 0s
            expect alice sees bob offline within 10s

            """
        guard let outcome = try E2ESupport.run(source: source) else { return }
        #expect(outcome.passed, "\(E2ESupport.report(outcome))")
        #expect(outcome.simulatedTime.milliseconds >= 20000)
    }
}
