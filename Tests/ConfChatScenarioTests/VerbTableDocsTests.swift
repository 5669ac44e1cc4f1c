import ConfChatCore
import Foundation
import Testing
@testable import ConfChatScenario

/// docs/scenario-language.md stays true to the verb table: each verb has a row in its tables
/// whose example parses to that verb, and the "unknown verb" example is the parser's message.
@Suite("Verb table and the docs")
struct VerbTableDocsTests {
    static let docs: String = (try? String(contentsOfFile: TestSupport.repositoryRoot + "/docs/scenario-language.md", encoding: .utf8)) ?? ""

    /// The examples of the docs' tables: the backquoted text that opens a row.
    static var rowExamples: [String] {
        docs.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `") else { return nil }
            let rest = line.dropFirst(3)
            guard let end = rest.firstIndex(of: "`") else { return nil }
            return String(rest[..<end]).replacingOccurrences(of: "\\|", with: "|")
        }
    }

    @Test("every verb of the table has a documented example that parses to it", arguments: Verb.names)
    func documented(name: String) throws {
        let examples = Self.rowExamples.filter { $0.split(separator: " ").dropFirst().first.map(String.init) == name }
        let example = try #require(examples.first, "docs/scenario-language.md has no row for '\(name)'")
        let kind = TestSupport.lastKind("peers alice bob carol\n\(example)")
        guard case let .action(.peer(_, action), _)? = kind else {
            Issue.record("'\(example)' did not parse to a peer action: \(String(describing: kind))")
            return
        }
        #expect(Verb.describing(action).verb.name == name)
    }

    @Test("the docs' unknown-verb example is the parser's message, listing the table's verbs")
    func unknownVerbMessage() throws {
        let errors = try #require(TestSupport.errors("peers alice\nalice sned bob \"hi\"\n"))
        let message = "error: unknown verb 'sned' (expected one of: \(Verb.names.joined(separator: ", ")))"
        #expect(errors.contains(message))
        #expect(Self.docs.contains(message))
    }
}
