@testable import ConfChatSimulator
import Testing

/// The network finds a node's number by name in `NodeNumbers`, its own hash table: every name
/// added must be found at the number it was given, across the table's growths, and no other.
@Suite struct NodeNumbersTests {
    @Test("every name is found at its number, through growth; unknown names are not")
    func numbersByName() {
        var table = NodeNumbers()
        var model: [String: Int] = [:]
        for i in 0 ..< 1_500 {
            // Short names (kept in the string's value) and long ones (in storage of their own).
            let name = i % 3 == 0 ? "p\(i)" : "a-rather-long-peer-name-number-\(i)"
            #expect(table.number(of: name) == nil)
            let n = table.add(name)
            model[name] = n
            #expect(n == i)
        }
        for (name, n) in model {
            // A copy of separate storage, as a name decoded from a frame is.
            #expect(table.number(of: String(decoding: Array(name.utf8), as: UTF8.self)) == n)
            #expect(table.names[n] == name)
        }
        #expect(table.number(of: "p1") == nil)
        #expect(table.number(of: "") == nil)
    }

    @Test("sameOctets is equality for ASCII strings, short and long")
    func sameOctets() {
        let long = "inproc://confchat-bench/alice"
        #expect(NodeNumbers.sameOctets(long, String(decoding: Array(long.utf8), as: UTF8.self)))
        #expect(!NodeNumbers.sameOctets(long, long + "x"))
        #expect(!NodeNumbers.sameOctets(long, "inproc://confchat-bench/alicf"))
        #expect(NodeNumbers.sameOctets("bob", "bob"))
        #expect(!NodeNumbers.sameOctets("bob", "bod"))
        #expect(NodeNumbers.sameOctets("", ""))
    }
}
