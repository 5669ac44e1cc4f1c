import ConfChatScenario
import Foundation
import Testing

/// The built `confchat` executable, run as a subprocess: exit codes and output
/// (scenario-language.md, "Command line").
@Suite struct CommandLineTests {
    @Test("the executable is found next to the test bundle")
    func executableFound() {
        #expect(E2ESupport.confchatExecutable != nil)
    }

    @Test("run: every scenario passes; exit 0 and a last line `N passed, 0 failed`", arguments: TransportKind.allCases)
    func runAll(transport: TransportKind) throws {
        guard let r = try E2ESupport.confchat(["run", "scenarios", "--transport", transport.rawValue]) else { return }
        #expect(r.status == 0, "\(r.output)")
        #expect(r.lastLine == "\(E2ESupport.scenarioFiles.count) passed, 0 failed", "\(r.output)")
        let lines = r.stdout.split(separator: "\n").dropLast()
        #expect(lines.count == E2ESupport.scenarioFiles.count)
        #expect(lines.allSatisfy { $0.hasPrefix("PASS ") }, "\(r.stdout)")
        #expect(!r.output.contains("\u{1B}"), "NO_COLOR and a pipe mean no colour")
    }

    @Test("run: a failing scenario exits 1 and names FILE:LINE and what was found")
    func runFailing() throws {
        let source = E2ESupport.twoFriends + """
            alice send bob "hi"
            expect bob conversation alice "hello"

            """
        let folder = try E2ESupport.folder(with: ["fails.scenario": source, "passes.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }
        let file = folder + "/fails.scenario"
        guard let r = try E2ESupport.confchat(["run", folder]),
              let line = E2ESupport.line(of: "expect bob conversation", in: source) else { return }
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stdout.contains("FAIL \(file)"), "\(r.stdout)")
        #expect(r.stdout.contains("PASS \(folder)/passes.scenario"), "\(r.stdout)")
        #expect(r.stdout.contains("\(file):\(line): expect bob conversation alice \"hello\""), "\(r.stdout)")
        #expect(r.stdout.contains(#"bob holds from alice: "hi""#), "\(r.stdout)")
        #expect(r.lastLine == "1 passed, 1 failed")
    }

    @Test("run: --keep-going reports every failing line")
    func runKeepGoing() throws {
        let source = E2ESupport.twoFriends + "expect alice friends   # one\n! alice logout   # two\n"
        let folder = try E2ESupport.folder(with: ["fails.scenario": source])
        defer { E2ESupport.remove(folder) }
        let file = folder + "/fails.scenario"
        guard let r = try E2ESupport.confchat(["run", file, "--keep-going"]) else { return }
        #expect(r.status == 1)
        for marker in ["# one", "# two"] {
            let line = try #require(E2ESupport.line(of: marker, in: source))
            #expect(r.stdout.contains("\(file):\(line):"), "\(r.stdout)")
        }
        #expect(r.stdout.contains("expected a refusal, but the action succeeded"))
    }

    @Test("run: a syntax error exits 2 with FILE:LINE:COL: error:, and nothing runs")
    func runSyntaxError() throws {
        let source = "peers alice bob\nalice register a\nalice sned bob \"hi\"\n"
        let folder = try E2ESupport.folder(with: ["bad.scenario": source, "good.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }
        let file = folder + "/bad.scenario"
        guard let r = try E2ESupport.confchat(["run", folder]) else { return }
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("\(file):3:7: error:"), "\(r.stderr)")
        #expect(r.stderr.contains("alice sned bob \"hi\"\n      ^"), "the line and a caret under the column")
        #expect(!r.stdout.contains("PASS"), "nothing runs when any file has an error")
    }

    @Test("run: an undeclared peer is an error found before anything runs")
    func runUndeclaredPeer() throws {
        let folder = try E2ESupport.folder(with: ["bad.scenario": "peers alice\nalice register a\nbob register b\n"])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["run", folder + "/bad.scenario"]) else { return }
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(folder)/bad.scenario:3:1: error:"), "\(r.stderr)")
    }

    @Test("run: a path that does not exist exits 2")
    func runMissingPath() throws {
        guard let r = try E2ESupport.confchat(["run", "scenarios/no-such-file.scenario"]) else { return }
        #expect(r.status == 2)
        #expect(r.stderr.contains("scenarios/no-such-file.scenario:0:0: error: no such file or folder"), "\(r.stderr)")
    }

    @Test("usage errors exit 2", arguments: [["run"], ["run", "scenarios", "--transport", "carrier-pigeon"], ["no-such-command"]])
    func usageErrors(arguments: [String]) throws {
        guard let r = try E2ESupport.confchat(arguments) else { return }
        #expect(r.status != 0)
        #expect(r.stderr.contains("Usage") || r.stderr.contains("Error"), "\(r.output)")
        // scenario-language.md: "2 for usage or syntax errors" (ConfChat.main maps
        // swift-argument-parser's 64 to 2).
        #expect(r.status == 2)
    }

    @Test("check: exit 0 for well-formed files, 2 with every error otherwise")
    func check() throws {
        guard let good = try E2ESupport.confchat(["check", "scenarios"]) else { return }
        #expect(good.status == 0, "\(good.output)")
        #expect(good.stdout.contains("\(E2ESupport.scenarioFiles.count) file(s) ok"), "\(good.stdout)")

        let folder = try E2ESupport.folder(with: [
            "one.scenario": "peers alice\nalice regster a\n",
            "two.scenario": "peers bob\nbob login\nexpect bob sees\ninclude \"missing.scenario\"\n",
        ])
        defer { E2ESupport.remove(folder) }
        guard let bad = try E2ESupport.confchat(["check", folder]) else { return }
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(folder)/one.scenario:2:7: error:"), "\(bad.stderr)")
        #expect(bad.stderr.contains("\(folder)/two.scenario:2:"), "every error of every file: \(bad.stderr)")
        #expect(bad.stderr.contains("\(folder)/two.scenario:3:"), "\(bad.stderr)")
        #expect(bad.stderr.contains("\(folder)/two.scenario:4:"), "\(bad.stderr)")

        guard let missing = try E2ESupport.confchat(["check", "scenarios/no-such-file.scenario"]) else { return }
        #expect(missing.status == 2)
    }

    @Test("run --trace-format json: stdout holds JSON Lines only, the PASS lines and summary go to stderr",
          arguments: [["--trace"], []])
    func jsonTrace(trace flag: [String]) throws {
        guard let r = try E2ESupport.confchat(
            ["run", "scenarios/basics.scenario", "scenarios/presence.scenario", "--trace-format", "json"] + flag)
        else { return }
        #expect(r.status == 0, "\(r.output)")
        let trace = r.stdout.split(separator: "\n").map(String.init)
        #expect(r.stderr.hasPrefix("PASS scenarios/basics.scenario"), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("\n2 passed, 0 failed\n"), "\(r.stderr)")
        #expect(trace.count > 100)
        var events: [String: Int] = [:]
        for line in trace {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8))
            guard let dict = object as? [String: Any] else {
                Issue.record("not a JSON object: \(line)")
                continue
            }
            #expect(dict["t_ms"] is NSNumber, "\(line)")
            guard let event = dict["event"] as? String else {
                Issue.record("no event: \(line)")
                continue
            }
            events[event, default: 0] += 1
        }
        for kind in ["statement", "send", "deliver", "presence", "fault", "outcome"] {
            #expect(events[kind, default: 0] > 0, "no \(kind) events: \(events)")
        }
        // The emoji and the escapes of basics.scenario survive as JSON strings.
        #expect(trace.contains { $0.contains("hi alice 👋") })
    }

    @Test("run --trace: two runs print byte-identical output")
    func textTraceDeterministic() throws {
        let args = ["run", "scenarios/partition.scenario", "scenarios/crash-restart.scenario", "--trace", "--seed", "7"]
        guard let first = try E2ESupport.confchat(args), let second = try E2ESupport.confchat(args) else { return }
        #expect(first.status == 0, "\(first.output)")
        #expect(first.stdout.split(separator: "\n").count > 100)
        #expect(E2ESupport.withoutWallTimes(first.stdout) == E2ESupport.withoutWallTimes(second.stdout), "byte-identical but for wall times")
        #expect(first.stdout.contains("** alice crashes"))
    }
}
