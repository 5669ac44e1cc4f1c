import Foundation
import Testing
@testable import ConfChatScenario

/// The bounds of `ScenarioLimits` and the diagnostics for careless input: each found when
/// the file is checked, with the limit in the message, rather than as a run that never ends,
/// a crash or a refusal after minutes of running.
@Suite("Limits and careless input")
struct LimitTests {
    @Test func durationsOverTheMaximumSayTheMaximum() {
        #expect(TestSupport.errors("wait 999999h\ntimeout 99999h\npeers a\nexpect a logged-in within 1441m\nwait 24h\n") == """
            chat.scenario:1:6: error: duration '999999h' is too large (the maximum is 24h)
            wait 999999h
                 ^
            chat.scenario:2:9: error: duration '99999h' is too large (the maximum is 24h)
            timeout 99999h
                    ^
            chat.scenario:4:27: error: duration '1441m' is too large (the maximum is 24h)
            expect a logged-in within 1441m
                                      ^
            """)
        #expect(TestSupport.errors("presence-timeout 99999999999999999999ms") == """
            chat.scenario:1:18: error: duration '99999999999999999999ms' is too large (the maximum is 24h)
            presence-timeout 99999999999999999999ms
                             ^
            """)
    }

    @Test func aLongIncludeChainStopsAtTheDepthLimitNamingTheChain() throws {
        // A chain of 10,000 files, each including the next, overflowed the stack; 100 show the
        // bound as well (and were read to the end before).
        var files: [String: String] = [:]
        for n in 0..<100 { files["f\(n).scenario"] = "include \"f\(n + 1).scenario\"\n" }
        files["f100.scenario"] = "peers alice\n"
        let folder = try TestSupport.folder(with: files)
        defer { TestSupport.removeFolder(folder) }
        let errors = try #require(TestSupport.loadErrors(folder + "/f0.scenario"))
        #expect(errors == """
            \(folder)/f31.scenario:1:9: error: includes nested more than 32 files deep, the most allowed: \
            \(folder)/f0.scenario -> \(folder)/f1.scenario -> ... 29 more ... -> \(folder)/f31.scenario -> \(folder)/f32.scenario
            include "f32.scenario"
                    ^
            """)
    }

    @Test func includesThatMultiplyStopAtTheStatementLimit() throws {
        // 30 files, each including the next twice: 2^30 lines once expanded.
        var files: [String: String] = ["f30.scenario": "heal\n"]
        for n in 0..<30 { files["f\(n).scenario"] = "include \"f\(n + 1).scenario\"\ninclude \"f\(n + 1).scenario\"\n" }
        let folder = try TestSupport.folder(with: files)
        defer { TestSupport.removeFolder(folder) }
        let errors = try #require(TestSupport.loadErrors(folder + "/f0.scenario"))
        #expect(errors.contains(": error: the scenario has more than 100000 statements once includes are expanded, the most "
            + "it may have (reached through \(folder)/f0.scenario -> \(folder)/f1.scenario -> ... "), "\(errors)")
        #expect(errors.components(separatedBy: "error:").count == 2, "one error, then nothing more is read")
    }

    @Test func invisibleCharactersAreNamedNotEchoed() {
        #expect(TestSupport.errors("peers alice\nalice\u{0}logout\n  \u{FEFF}heal\n") == """
            chat.scenario:2:6: error: unexpected character U+0000 NUL
            alice\u{2400}logout
                 ^
            chat.scenario:3:3: error: unexpected character U+FEFF ZERO WIDTH NO-BREAK SPACE, a byte order mark
              \u{FFFD}heal
              ^
            """)
    }

    @Test func anInvisibleCharacterInsideAWordIsNotEchoedInTheMessage() {
        let errors = TestSupport.errors("peers alice\nalice se\u{200D}nd\n") ?? ""
        #expect(!errors.unicodeScalars.contains("\u{200D}"), "\(errors.debugDescription)")
        #expect(errors.hasPrefix("chat.scenario:2:7: error: unknown verb 's\u{FFFD}nd'"), "\(errors)")
    }

    @Test func everyBadNameOfAPeersLineIsReportedAndLookAlikesAreNamed() {
        #expect(TestSupport.errors("peers ali\u{441}e b\u{43E}b carol Dave\n") == """
            chat.scenario:1:10: error: bad peer name 'ali\u{441}e': '\u{441}' (U+0441 CYRILLIC SMALL LETTER ES) is not allowed \
            (expected a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')
            peers ali\u{441}e b\u{43E}b carol Dave
                     ^
            chat.scenario:1:14: error: bad peer name 'b\u{43E}b': '\u{43E}' (U+043E CYRILLIC SMALL LETTER O) is not allowed \
            (expected a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')
            peers ali\u{441}e b\u{43E}b carol Dave
                         ^
            chat.scenario:1:23: error: bad peer name 'Dave' (expected a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')
            peers ali\u{441}e b\u{43E}b carol Dave
                                  ^
            """)
    }

    @Test func everyBadNameOfASetIsReported() {
        #expect(TestSupport.errors("peers alice bob\nexpect alice friends B\u{43E}b bob bob\n") == """
            chat.scenario:2:23: error: bad peer name 'B\u{43E}b': '\u{43E}' (U+043E CYRILLIC SMALL LETTER O) is not allowed \
            (expected a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')
            expect alice friends B\u{43E}b bob bob
                                  ^
            chat.scenario:2:30: error: 'bob' is listed twice
            expect alice friends B\u{43E}b bob bob
                                         ^
            """)
    }

    @Test func errorsPastTheLimitAreCounted() throws {
        let folder = try TestSupport.folder(with: ["more.scenario": (1...12).map { "heal \($0)\n" }.joined()])
        defer { TestSupport.removeFolder(folder) }
        let source = (1...12).map { "heal \($0)\n" }.joined() + "include \"more.scenario\"\n"
        let errors = TestSupport.errors(source, path: folder + "/main.scenario") ?? ""
        let lines = errors.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 * 20 + 1, "20 errors of 3 lines each, then a count")
        #expect(lines[57] == "\(folder)/more.scenario:8:6: error: unexpected '8' at the end of the statement")
        #expect(lines.last == "and 4 more errors (24 in all)")
    }

    @Test func aFileThatIsNoScenarioStopsAfterTwentyErrors() throws {
        let passwd = (1...500).map { "user\($0):x:\($0):\($0)::/home/user\($0):/bin/sh\n" }.joined()
        let folder = try TestSupport.folder(with: ["passwd": passwd])
        defer { TestSupport.removeFolder(folder) }
        let errors = try #require(TestSupport.errors("include \"passwd\"\nheal now\n", path: folder + "/main.scenario"))
        #expect(errors.components(separatedBy: "error: unknown statement").count - 1 == 20)
        #expect(errors.contains("\(folder)/passwd:20:1: error: unknown statement 'user20:x:20:20::/home/user20:/bin/sh'"))
        #expect(errors.contains("\(folder)/passwd:0:0: error: 20 errors by line 20; the rest of the file is not read (is it a scenario file?)"))
        #expect(errors.hasSuffix("and 1 more error (22 in all)"), "the including file goes on: \(errors.suffix(300))")
        #expect(!errors.contains("user21"))
    }

    @Test func anOversizedMessageIsFoundAtCheckTimeAndNotEchoedWhole() {
        let text = String(repeating: "x", count: 100_000)
        let errors = TestSupport.errors("peers alice bob\nalice send bob \"\(text)\"\n") ?? ""
        #expect(errors == """
            chat.scenario:2:16: error: the message text is 100000 bytes of UTF-8, over the limit of 65536 a message may have
            alice send bob "\(String(repeating: "x", count: 104))…
                           ^
            """)
        #expect(TestSupport.errors("peers alice bob\nexpect bob received alice \"\(text)\"\n") != nil, "it could never be received")
        #expect(TestSupport.kinds("peers alice bob\n! alice send bob \"\(text)\"\n").count == 2, "a refusal that is expected is fine")
    }

    @Test func aLongLineIsShownAroundTheColumn() {
        let long = String(repeating: "y", count: 300)
        #expect(TestSupport.errors("peers alice\nalice send alice \"\(long)\" oops\n") == """
            chat.scenario:2:321: error: unexpected 'oops' at the end of the statement
            …\(String(repeating: "y", count: 114))" oops
            \(String(repeating: " ", count: 117))^
            """)
    }

    @Test func aFIFOIsRead() throws {
        let folder = try TestSupport.folder(with: [:])
        defer { TestSupport.removeFolder(folder) }
        let path = folder + "/pipe.scenario"
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: path)
            handle?.write(Data("peers alice\nalice logout\n".utf8))
            try? handle?.close()
        }
        writer.start()
        let scenario = try ScenarioLoader.load(path: path)
        #expect(scenario.declaredPeers == ["alice"])
        #expect(try ScenarioLoader.scenarioFiles(in: [path]) == [path], "listing it does not read it")
    }

    @Test func aFolderWithoutScenariosIsAnError() throws {
        let folder = try TestSupport.folder(with: ["notes.txt": "x"])
        defer { TestSupport.removeFolder(folder) }
        #expect(throws: ScenarioErrors.self) { try ScenarioLoader.scenarioFiles(in: [folder]) }
        do { _ = try ScenarioLoader.scenarioFiles(in: [folder]) } catch {
            #expect(error.description == "\(folder):0:0: error: no .scenario files in this folder")
        }
    }
}
