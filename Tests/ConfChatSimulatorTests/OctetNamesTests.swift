import ConfChatCore
@testable import ConfChatSimulator
import Testing

/// The network finds a node's number by name in a `NameNumbers` table keyed by octets
/// (`OctetNames`): every name entered must be found at the number it was given, across the
/// table's growths, and no other.
@Suite struct OctetNamesTests {
    @Test("every name is found at its number, through growth; unknown names are not")
    func numbersByName() {
        var table = NameNumbers<OctetNames>()
        var model: [String: Int] = [:]
        for i in 0 ..< 1_500 {
            // Short names (kept in the string's value) and long ones (in storage of their own).
            let name = i % 3 == 0 ? "p\(i)" : "a-rather-long-peer-name-number-\(i)"
            #expect(table.number(of: name) == nil)
            let (n, isNew) = table.enter(name)
            model[name] = n
            #expect(n == i && isNew)
        }
        for (name, n) in model {
            // A copy of separate storage, as a name decoded from a frame is.
            #expect(table.number(of: String(decoding: Array(name.utf8), as: UTF8.self)) == n)
            let again = table.enter(name)
            #expect(again.number == n && !again.isNew)
            #expect(table.name(n) == name)
        }
        #expect(table.number(of: "p1") == nil)
        #expect(table.number(of: "") == nil)
        #expect(table.count == 1_500)
    }

    @Test("same is equality for ASCII strings, short and long")
    func sameOctets() {
        let long = "inproc://confchat-bench/alice"
        #expect(OctetNames.same(long, String(decoding: Array(long.utf8), as: UTF8.self)))
        #expect(!OctetNames.same(long, long + "x"))
        #expect(!OctetNames.same(long, "inproc://confchat-bench/alicf"))
        #expect(OctetNames.same("bob", "bob"))
        #expect(!OctetNames.same("bob", "bod"))
        #expect(OctetNames.same("", ""))
    }
}
