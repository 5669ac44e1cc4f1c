@testable import ConfChatCore
import Testing

/// The core's books number names in a `NameNumbers` table keyed by `String`'s seeded hash and
/// equality (`SeededNames`): it must number names exactly as the `[String: Int]` it replaced,
/// names from the wire that are no valid `PeerName` included.
@Suite struct NameNumbersTests {
    @Test("names are numbered as a dictionary numbers them, through growth, Unicode equivalence included")
    func asADictionary() {
        var table = NameNumbers<SeededNames>()
        var model: [String: Int] = [:]
        // Canonically equivalent spellings are one name to `String`, and so to the table.
        let names = (0 ..< 700).map { i in i % 7 == 0 ? "caf\u{E9}-\(i % 50)" : i % 7 == 1 ? "cafe\u{301}-\(i % 50)" : "peer-\(i % 300)" }
        for name in names {
            let isNew = model[name] == nil
            let expected = model[name] ?? model.count
            model[name] = expected
            let entered = table.enter(name)
            #expect(entered.number == expected && entered.isNew == isNew)
        }
        #expect(table.count == model.count)
        for (name, n) in model { #expect(table.number(of: name) == n) }
        #expect(table.number(of: "caf\u{E9}-3") == table.number(of: "cafe\u{301}-3"))
        #expect(table.number(of: "peer-300") == nil && table.number(of: "") == nil)
    }
}
