import ConfChatCore
import Testing

/// What a scenario's expectations read (`PeerView`): a view narrowed to one other peer's
/// messages holds exactly what the whole view holds for that peer, and nothing of anyone else's.
@Suite struct PeerViewTests {
    static var state: PeerDurableState {
        var s = PeerDurableState()
        let records = [
            ChatRecord(peer: "bob", outgoing: false, seq: 1, body: Array("hi".utf8)),
            ChatRecord(peer: "bob", outgoing: false, seq: 2, body: Array("team news".utf8), group: "team"),
            ChatRecord(peer: "bob", outgoing: false, seq: 3, body: Array("kept".utf8), group: "team", kind: .discarded),
            ChatRecord(peer: "bob", outgoing: true, seq: 1, body: Array("hello bob".utf8)),
            ChatRecord(peer: "carol", outgoing: false, seq: 1, body: Array("from carol".utf8)),
            ChatRecord(peer: "carol", outgoing: false, seq: 2, body: Array("carol in team".utf8), group: "team"),
        ]
        for r in records { s.apply(.store(r)) }
        s.apply(.setFriend(name: "bob", endpoint: "inproc://bob"))
        s.apply(.setFriend(name: "carol", endpoint: "inproc://carol"))
        s.apply(.queue(peer: "dave", HistoryItem(group: nil, body: Array("waiting".utf8))))
        s.apply(.addRequest("eve"))
        return s
    }

    @Test("a view of one peer's messages holds what the whole view holds for it, and only that")
    func narrowedToOnePeer() {
        let sees: (String) -> Bool? = { $0 == "bob" ? true : nil }
        let whole = PeerView(Self.state, loggedIn: true, sees: sees)
        #expect(whole.received["bob"] == ["hi"])
        #expect(whole.groupMessages["team"] == ["bob": ["team news"], "carol": ["carol in team"]])
        #expect(whole.sent["dave"] == ["waiting"])

        for other in ["bob", "carol", "dave", "nobody"] {
            let view = PeerView(Self.state, loggedIn: true, sees: sees, texts: .exchangedWith(other))
            #expect(view.received == whole.received.filter { $0.key == other }, "received, narrowed to \(other)")
            #expect(view.sent[other] == whole.sent[other] ?? [], "sent, narrowed to \(other)")
            #expect(view.groupMessages["team"]?[other] == whole.groupMessages["team"]?[other], "group, narrowed to \(other)")
            #expect(Set(view.sent.keys).isSubset(of: [other]) && Set(view.received.keys).isSubset(of: [other]))
            #expect(view.friends == whole.friends && view.requests == whole.requests && view.members == whole.members)
        }
        let none = PeerView(Self.state, loggedIn: true, sees: sees, texts: .none)
        #expect(none.received.isEmpty && none.sent.isEmpty && none.groupMessages.isEmpty)
        #expect(none.friends == whole.friends && none.loggedIn)
    }
}
