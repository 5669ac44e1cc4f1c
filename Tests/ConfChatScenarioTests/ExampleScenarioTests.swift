import Foundation
import Testing
import ConfChatCore
@testable import ConfChatScenario

/// The example scenarios shipped in `scenarios/` (a copy of the shared examples) all load,
/// and every line of every file they reach becomes exactly one statement, in order.
@Suite("Example scenarios")
struct ExampleScenarioTests {
    static let files = [
        "basics.scenario", "groups.scenario", "partition.scenario", "presence.scenario",
        "refusals.scenario", "registry-down.scenario", "setup/two-friends.scenario", "wipe-sync.scenario",
    ]

    /// The shared examples are among the files a folder run finds, and the whole list is
    /// every `.scenario` file below the folder, sorted by path (the project adds its own).
    @Test func folderListsEveryScenarioSortedByPath() throws {
        let folder = TestSupport.scenariosFolder
        let all = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        let onDisk = all.filter { $0.hasSuffix(".scenario") }.map { folder + "/" + $0 }
        let listed = try ScenarioLoader.scenarioFiles(in: [folder])
        #expect(listed == onDisk.sorted())
        #expect(try ScenarioLoader.scenarioFiles(in: [folder + "/"]) == listed)
        for file in Self.files { #expect(listed.contains(folder + "/" + file)) }
    }

    @Test(arguments: files)
    func loads(file: String) throws {
        let path = TestSupport.scenariosFolder + "/" + file
        let scenario = try ScenarioLoader.load(path: path)
        #expect(scenario.path == path)
        #expect(!scenario.declaredPeers.isEmpty)

        // Rebuild the expected statement sources by reading the files with a naive
        // reader (these examples have no '#' inside strings) and following includes.
        func expectedLines(_ path: String) throws -> [(file: String, line: Int, source: String)] {
            var result: [(file: String, line: Int, source: String)] = []
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for (offset, raw) in text.components(separatedBy: "\n").enumerated() {
                let source = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    .trimmingCharacters(in: .whitespaces)
                if source.isEmpty { continue }
                if source.hasPrefix("include ") {
                    let included = source.dropFirst("include \"".count).dropLast()
                    // The examples include only paths below their own folder.
                    let folder = path[..<(path.lastIndex(of: "/") ?? path.startIndex)]
                    result += try expectedLines(folder + "/" + included)
                } else {
                    result.append((path, offset + 1, source))
                }
            }
            return result
        }
        let expected = try expectedLines(path)
        #expect(scenario.statements.count == expected.count)
        for (statement, line) in zip(scenario.statements, expected) {
            #expect(statement.source == line.source)
            #expect(statement.location.file == line.file)
            #expect(statement.location.line == line.line)
        }
    }

    @Test func includeIsFlattenedInPlaceWithTheIncludedFilesLocations() throws {
        let folder = TestSupport.scenariosFolder
        let scenario = try ScenarioLoader.load(path: folder + "/partition.scenario")
        let first = try #require(scenario.statements.first)
        #expect(first.kind == .peers(["alice", "bob"]))
        #expect(first.location == ConfChatScenario.SourceLocation(file: folder + "/setup/two-friends.scenario", line: 2, column: 1))
        let afterInclude = try #require(scenario.statements.first { $0.location.file == folder + "/partition.scenario" })
        #expect(afterInclude.kind == .presenceTimeout(.seconds(5)))
        #expect(afterInclude.location.line == 3)
        #expect(scenario.declaredPeers == ["alice", "bob"])
        #expect(scenario.statements.contains {
            $0.kind == .action(.partition([["alice"], ["bob", "registry"]]), expectRefusal: false)
        })
        #expect(scenario.statements.last?.kind == .expect(.sees(peer: "bob", friend: "alice", online: true), within: .seconds(10)))
    }

    @Test func refusalsAreMarked() throws {
        let scenario = try ScenarioLoader.load(path: TestSupport.scenariosFolder + "/refusals.scenario")
        let refused = scenario.statements.filter {
            if case .action(_, expectRefusal: true) = $0.kind { return true }
            return false
        }
        #expect(refused.map(\.location.line) == [6, 8, 9, 10, 18, 22, 29, 33, 34])
        #expect(refused.first?.kind == .action(.peer("alice", .command(.addFriend("bob"))), expectRefusal: true))
        #expect(refused.last?.kind == .action(.peer("alice", .command(.logout)), expectRefusal: true))
    }

    /// The example from the spec's last section, verbatim.
    @Test func specExample() throws {
        let source = """
            # Two friends chat, one goes offline, messages wait for her.
            peers alice bob

            alice register s3cret
            bob register hunter2
            ! alice login wrong-password          # refused: the line passes
            alice login s3cret
            bob login hunter2

            alice add-friend bob
            expect bob requests alice
            bob accept alice
            expect alice friends bob
            expect alice sees bob online

            alice send bob "hello bob"
            expect bob received alice "hello bob"

            bob logout
            expect alice sees bob offline
            alice send bob "are you there?"
            alice send bob "call me"
            bob login hunter2
            expect bob conversation alice "hello bob" "are you there?" "call me"

            alice crash
            expect bob sees alice offline within 10s
            """
        let kinds = TestSupport.kinds(source)
        #expect(kinds.count == 21)
        #expect(kinds[3] == .action(.peer("alice", .command(.login(password: "wrong-password"))), expectRefusal: true))
        #expect(kinds[15] == .action(.peer("alice", .command(.send(to: "bob", text: "are you there?"))), expectRefusal: false))
        #expect(kinds[19] == .action(.peer("alice", .crash), expectRefusal: false))
        #expect(kinds[20] == .expect(.sees(peer: "bob", friend: "alice", online: false), within: .seconds(10)))
    }
}
