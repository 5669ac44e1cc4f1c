import Foundation
import Testing
@testable import ConfChatScenario

/// Shared helpers: where the repository's scenarios are, temporary folders for include
/// tests, and shortcuts that parse a source and return its statements or its errors.
enum TestSupport {
    /// The repository root, found from this file's path (`Tests/ConfChatScenarioTests/`).
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The copy of the shared example scenarios that lives in this repository.
    static let scenariosFolder = repositoryRoot + "/scenarios"

    /// A fresh empty folder holding `files` (relative path -> contents); returns its path.
    static func folder(with files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.path + "/confchat-scenario-tests-" + UUID().uuidString
        for (relative, contents) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: ScenarioPath.directory(of: path), withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static func removeFolder(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The statement kinds of a source that must parse.
    static func kinds(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [StatementKind] {
        do {
            return try ScenarioLoader.parse(source: source, path: "test.scenario").statements.map(\.kind)
        } catch {
            Issue.record("unexpected errors:\n\(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    /// The last statement kind of a source that must parse (earlier lines declare peers).
    static func lastKind(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> StatementKind? {
        kinds(source, sourceLocation: sourceLocation).last
    }

    /// The rendered errors of a source that must fail, or nil (recorded as an issue) if
    /// it parses.
    static func errors(_ source: String, path: String = "chat.scenario",
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
        do {
            _ = try ScenarioLoader.parse(source: source, path: path)
            Issue.record("expected errors, but the source parsed", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error.description
        }
    }

    /// Same as `errors(_:path:)`, loading a file from disk.
    static func loadErrors(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
        do {
            _ = try ScenarioLoader.load(path: path)
            Issue.record("expected errors, but \(path) loaded", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error.description
        }
    }
}
