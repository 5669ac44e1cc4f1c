import Foundation
import Testing
import ConfChatCore
@testable import ConfChatScenario

/// File handling: includes, declarations across files, folders, missing paths.
@Suite("Loader")
struct LoaderTests {
    @Test func peersDeclaredInAnIncludeCountFromTheIncludeOn() throws {
        let folder = try TestSupport.folder(with: [
            "lib/peers.scenario": "peers alice bob\n",
            "lib/more.scenario": "include \"peers.scenario\"\npeers carol\n",
        ])
        defer { TestSupport.removeFolder(folder) }
        let scenario = try ScenarioLoader.parse(
            source: "include \"lib/more.scenario\"\nalice add-friend carol\ninclude \"./lib/peers.scenario\"\n",
            path: folder + "/main.scenario")
        #expect(scenario.declaredPeers == ["alice", "bob", "carol"])
        #expect(scenario.statements.map(\.kind) == [
            .peers(["alice", "bob"]),
            .peers(["carol"]),
            .action(.peer("alice", .command(.addFriend("carol"))), expectRefusal: false),
            .peers(["alice", "bob"]),
        ])
        #expect(scenario.statements.map(\.location.file) == [
            folder + "/lib/peers.scenario", folder + "/lib/more.scenario",
            folder + "/main.scenario", folder + "/lib/peers.scenario",
        ])
    }

    @Test func relativePathsStayRelativeAndAreCleanedUp() {
        #expect(TestSupport.errors("include \"./setup//../setup/a.scenario\"", path: "x/../no-such-folder/main.scenario") == """
            x/../no-such-folder/main.scenario:1:9: error: cannot include 'no-such-folder/setup/a.scenario': no such file
            include "./setup//../setup/a.scenario"
                    ^
            """)
    }

    @Test func anErrorInAFileIncludedTwiceIsReportedOnce() throws {
        let folder = try TestSupport.folder(with: ["bad.scenario": "heal now\n"])
        defer { TestSupport.removeFolder(folder) }
        #expect(TestSupport.errors("include \"bad.scenario\"\ninclude \"bad.scenario\"", path: folder + "/main.scenario") == """
            \(folder)/bad.scenario:1:6: error: unexpected 'now' at the end of the statement
            heal now
                 ^
            """)
    }

    @Test func missingTopLevelFile() {
        #expect(TestSupport.loadErrors("no/such/dir/x.scenario") == "no/such/dir/x.scenario:0:0: error: no such file")
    }

    @Test func folderIsNotAScenarioFile() throws {
        let folder = try TestSupport.folder(with: [:])
        defer { TestSupport.removeFolder(folder) }
        #expect(TestSupport.loadErrors(folder) == "\(folder):0:0: error: it is a folder, not a file")
    }

    @Test func scenarioFilesKeepsArgumentOrderAndSkipsHiddenAndOtherFiles() throws {
        let folder = try TestSupport.folder(with: [
            "b.scenario": "", "a/z.scenario": "", "a/y.scenario": "", "notes.txt": "",
            ".hidden/h.scenario": "", ".h.scenario": "", "c.scenario.bak": "",
        ])
        defer { TestSupport.removeFolder(folder) }
        #expect(try ScenarioLoader.scenarioFiles(in: [folder + "/b.scenario", folder]) == [
            folder + "/b.scenario",
            folder + "/a/y.scenario", folder + "/a/z.scenario", folder + "/b.scenario",
        ])
    }

    @Test func scenarioFilesReportsEveryMissingPath() throws {
        do {
            _ = try ScenarioLoader.scenarioFiles(in: ["nope.scenario", TestSupport.scenariosFolder, "gone/"])
            Issue.record("missing paths were not reported")
        } catch {
            #expect(error.diagnostics.map(\.location) == [
                ConfChatScenario.SourceLocation(file: "nope.scenario", line: 0, column: 0),
                ConfChatScenario.SourceLocation(file: "gone/", line: 0, column: 0),
            ])
            #expect(error.description == "nope.scenario:0:0: error: no such file or folder\ngone/:0:0: error: no such file or folder")
        }
    }

    @Test func windowsLineEndingsAndByteOrderMark() {
        #expect(TestSupport.kinds("\u{FEFF}peers alice\r\nalice logout\r\n\rheal") == [
            .peers(["alice"]), .action(.peer("alice", .command(.logout)), expectRefusal: false), .action(.heal, expectRefusal: false),
        ])
        #expect(TestSupport.errors("\u{FEFF}heal x\r\n") == "chat.scenario:1:6: error: unexpected 'x' at the end of the statement\nheal x\n     ^")
    }

    @Test func emptySourceIsAnEmptyScenario() throws {
        let scenario = try ScenarioLoader.parse(source: "# nothing\n\n", path: "empty.scenario")
        #expect(scenario.statements.isEmpty)
        #expect(scenario.declaredPeers.isEmpty)
    }
}
