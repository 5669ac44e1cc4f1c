import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import ConfChatTools
import Foundation
import Testing

/// What users of test runners expect from `confchat run`, and the checks it makes before
/// running: each through the built executable, as a user meets it.
@Suite struct RunnerOptionsTests {
    static let failing = E2ESupport.twoFriends + "alice send bob \"hi\"\nexpect bob conversation alice \"hello\"   # fails\n"

    @Test("the failed scenarios are listed again just above the summary, which stays last")
    func failuresAboveSummary() throws {
        let folder = try E2ESupport.folder(with: ["a.scenario": Self.failing, "b.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["run", folder]),
              let line = E2ESupport.line(of: "# fails", in: Self.failing) else { return }
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "1 passed, 1 failed")
        #expect(lines.dropLast().last == "FAILED \(folder)/a.scenario (\(folder)/a.scenario:\(line): expect bob conversation alice \"hello\")",
                "\(r.stdout)")
    }

    @Test("each PASS and FAIL line shows the scenario's wall time")
    func wallTime() throws {
        let folder = try E2ESupport.folder(with: ["a.scenario": Self.failing, "b.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["run", folder]) else { return }
        let pass = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("PASS ") })
        #expect(pass.wholeMatch(of: #/PASS .*/b\.scenario  \(8 statements, [0-9.]+s simulated, [0-9]+\.[0-9]+s\)/#) != nil, "\(pass)")
        let fail = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL ") })
        #expect(fail.wholeMatch(of: #/FAIL .*/a\.scenario  \([0-9.]+s simulated, [0-9]+\.[0-9]+s\)/#) != nil, "\(fail)")
    }

    @Test("-x stops after the first failing scenario", arguments: [["-x"], ["--exitfirst", "--jobs", "2"]])
    func exitFirst(arguments: [String]) throws {
        let folder = try E2ESupport.folder(with: ["1.scenario": Self.failing, "2.scenario": E2ESupport.twoFriends,
                                                  "3.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["run", folder] + arguments) else { return }
        #expect(r.status == 1)
        #expect(!r.stdout.contains("PASS "), "\(r.stdout)")
        #expect(r.stdout.contains("stopped after the first failure (-x): 2 scenarios not run"), "\(r.stdout)")
        #expect(r.lastLine == "0 passed, 1 failed")
    }

    @Test("-k runs only the scenarios whose path contains the text; none matching is an error")
    func nameFilter() throws {
        let folder = try E2ESupport.folder(with: ["alpha.scenario": E2ESupport.twoFriends, "beta.scenario": E2ESupport.twoFriends,
                                                  "gamma.scenario": "peers alice\nalice sned\n"])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["run", folder, "-k", "BETA", "-k", "alp"]) else { return }
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("PASS \(folder)/alpha.scenario") && r.stdout.contains("PASS \(folder)/beta.scenario"))
        #expect(r.lastLine == "2 passed, 0 failed", "a file left out is not even checked")
        guard let none = try E2ESupport.confchat(["run", folder, "-k", "delta"]) else { return }
        #expect(none.status == 2)
        #expect(none.stderr.contains("error: no scenario path contains 'delta' (-k); 3 scenarios found"), "\(none.stderr)")
    }

    @Test("--version prints the versions")
    func version() throws {
        guard let r = try E2ESupport.confchat(["--version"]) else { return }
        #expect(r.status == 0)
        #expect(r.stdout == "confchat 0.1.0 (protocol \(WireCodec.version), scenario language 1.1)\n")
    }

    @Test("a folder with no scenario in it is an error, not `0 passed`", arguments: ["run", "check"])
    func emptyFolder(command: String) throws {
        let folder = try E2ESupport.folder(with: ["notes.txt": "nothing"])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat([command, folder]) else { return }
        #expect(r.status == 2)
        #expect(r.stderr == "\(folder):0:0: error: no .scenario files in this folder\n")
        #expect(!r.stdout.contains("passed"))
    }

    @Test("a JUnit report of a file in the working folder names that folder, not a made-up one")
    func junitClassName() throws {
        let folder = try E2ESupport.folder(with: ["here.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["run", "here.scenario", "--junit", "report.xml"], in: folder) else { return }
        #expect(r.status == 0, "\(r.output)")
        let xml = try String(contentsOfFile: folder + "/report.xml", encoding: .utf8)
        #expect(xml.contains(#"<testcase classname="." name="here.scenario""#), "\(xml)")
    }

    @Test("mistakes found before anything runs exit 2 with the reason", arguments: [
        (["--diagram-filter", "alice,zed", "--diagram", "/tmp/x.svg"],
         "error: --diagram-filter: 'zed' is not a peer of any scenario that runs (peers: alice, bob, carol)"),
        (["--junit", "/dev/null/junit.xml"], "error: --junit /dev/null/junit.xml: cannot make the folder /dev/null"),
        (["--junit", "/"], "error: --junit /: it is a folder"),
        (["--jobs", "-1"], "Error: --jobs must be at least 1, or 0 for one a CPU core (got -1)"),
    ])
    func checkedFirst(arguments: [String], message: String) throws {
        guard let r = try E2ESupport.confchat(["run", "scenarios/basics.scenario"] + arguments) else { return }
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!r.output.contains("PASS"), "nothing runs")
    }

    @Test("a run needing more open files than the limit allows is refused up front, saying what to do")
    func openFileLimit() throws {
        let names = (1...40).map { "p\($0)" }
        let source = "peers \(names.joined(separator: " "))\n" + names.map { "\($0) register pw\n" }.joined()
        let folder = try E2ESupport.folder(with: ["many.scenario": source])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.shell("ulimit -n 200 && exec \"$CONFCHAT\" run \(folder)/many.scenario --transport tcp")
        else { return }
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr == """
            error: \(folder)/many.scenario needs about 432 open files (40 peers × 10 on tcp + 0 pairs of friends × 4 + 32 \
            for the process), but the open-file limit (RLIMIT_NOFILE, `ulimit -n`) is 200. To run it: raise the limit with \
            `ulimit -n 432` (in the shell that starts confchat; above the hard limit only root can); or use --transport inproc \
            (5 a peer instead of 10, nothing a connection); or declare fewer peers (about 16 fit on tcp)

            """)
        guard let inproc = try E2ESupport.shell("ulimit -n 300 && exec \"$CONFCHAT\" run \(folder)/many.scenario") else { return }
        #expect(inproc.status == 0, "fits on inproc: \(inproc.output)")
    }

    @Test("the soft open-file limit is raised to the hard one before the check")
    func softLimitRaised() throws {
        let names = (1...40).map { "p\($0)" }
        let folder = try E2ESupport.folder(with: ["many.scenario": "peers \(names.joined(separator: " "))\n"])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.shell("ulimit -Sn 100 && ulimit -Hn 1000 && exec \"$CONFCHAT\" run \(folder)/many.scenario")
        else { return }
        #expect(r.status == 0, "\(r.output)")
    }

    @Test("check and run read /dev/stdin and other streams")
    func standardInput() throws {
        guard let r = try E2ESupport.shell("\"$CONFCHAT\" check /dev/stdin < scenarios/basics.scenario") else { return }
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout == "1 file(s) ok\n")
        guard let run = try E2ESupport.shell("printf 'peers alice\\nalice register pw\\n' | \"$CONFCHAT\" run /dev/stdin") else { return }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.lastLine == "1 passed, 0 failed")
    }

    @Test("a scenario full of errors prints twenty and a count")
    func errorCap() throws {
        let folder = try E2ESupport.folder(with: ["bad.scenario": (1...1000).map { "heal \($0)\n" }.joined(),
                                                  "worse.scenario": (1...1000).map { "heal \($0)\n" }.joined()])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["check", folder]) else { return }
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 20 * 3 + 3, "20 errors, two notes that files were not read to the end, a count: \(r.stderr)")
        #expect(lines.last == "and 20 more errors (42 in all)")
    }
}

/// The parts of the run that are pure functions: the estimate of open files and when an
/// expectation is checked again.
@Suite struct RunnerBudgetTests {
    @Test("open files: a peer and a pair of friends cost what was measured")
    func estimate() throws {
        let scenario = try ScenarioLoader.parse(source: E2ESupport.twoFriends + "transport ipc\n", path: "x.scenario")
        let need = FileDescriptorBudget.needed(for: scenario, transport: nil)
        #expect(need.transport == .ipc && need.peers == 2 && need.pairs == 1)
        #expect(need.count == 32 + 2 * 10 + 4)
        #expect(FileDescriptorBudget.needed(for: scenario, transport: .inproc).count == 32 + 2 * 5)
    }

    @Test("the scenario language's message limit is the wire's")
    func messageLimit() {
        #expect(ScenarioLimits.maxMessageBytes == WireCodec.maxBodySize)
    }

    @Test("an expectation that does not hold is checked again when a timer may have changed something")
    func polling() {
        let at = { SimInstant(milliseconds: $0) }
        #expect(ScenarioRunner.nextPoll(now: at(0), deadline: at(86_400_000), nextTimer: nil) == at(86_400_000),
                "nothing due: straight to the deadline")
        #expect(ScenarioRunner.nextPoll(now: at(0), deadline: at(5000), nextTimer: at(50)) == at(100), "a timer this step: one step")
        #expect(ScenarioRunner.nextPoll(now: at(200), deadline: at(5000), nextTimer: at(1250)) == at(1300),
                "the first step at or after the timer, on the same grid")
        #expect(ScenarioRunner.nextPoll(now: at(200), deadline: at(5050), nextTimer: at(9000)) == at(5050))
    }

    @Test("a failure report quotes a long or invisible-laden statement cut and visible")
    func failureReportExcerpt() throws {
        let long = String(repeating: "z", count: 300)
        let source = E2ESupport.twoFriends + "expect bob received alice \"a\u{0}b\u{202E}c\"\nexpect bob received alice \"\(long)\"\n"
        guard let outcome = try E2ESupport.run(source: source, options: .init(keepGoing: true)) else { return }
        let reports = outcome.failures.map(\.description)
        #expect(reports.count == 2)
        #expect(reports.first?.hasPrefix("test.scenario:9: expect bob received alice \"a\u{2400}b\u{FFFD}c\"\n") == true,
                "\(reports.first.debugDescription)")
        let first = try #require(reports.last?.split(separator: "\n").first)
        #expect(first.count == "test.scenario:10: ".count + 120 && first.hasSuffix("zz…"), "\(first)")
    }

    @Test("a day-long expectation on a quiet network fails at the deadline, with the same report")
    func longExpectation() throws {
        let source = "peers alice bob\nalice register a\nexpect alice logged-in within 24h\n"
        guard let outcome = try E2ESupport.run(source: source) else { return }
        #expect(outcome.simulatedTime == SimInstant(milliseconds: 86_400_000))
        #expect(outcome.failures.map(\.detail) == ["alice is logged out (after waiting 24h)"])
    }
}
