import ConfChatCore
import Testing

/// A peer's state keeps its contacts by number (`ContactBook`), numbered in the order the state
/// first referred to each: a running peer numbers them as it meets them, a restart in the order
/// its store reads them back. What it holds must not depend on that order.
@Suite struct ContactTableTests {
    static func record(_ peer: String, _ seq: UInt64, outgoing: Bool = false, _ text: String) -> ChatRecord {
        ChatRecord(peer: peer, outgoing: outgoing, seq: seq, body: Array(text.utf8))
    }

    static let mutations: [PeerMutation] = [
        .store(record("bob", 1, "hi")),
        .store(record("carol", 1, outgoing: true, "hello")),
        .markAcked(peer: "carol", upTo: 1),
        .store(record("dave", 1, "yo")),
        .reserve(peer: "erin", seq: 3),
    ]

    static func state(_ mutations: [PeerMutation]) -> PeerDurableState {
        var s = PeerDurableState()
        for m in mutations { s.apply(m) }
        return s
    }

    @Test("states holding the same conversations are equal however their contacts were numbered")
    func equalAcrossNumberings() {
        let forward = Self.state(Self.mutations), backward = Self.state(Self.mutations.reversed())
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(forward.conversations == backward.conversations)
        // What differs still shows: one message more to carol.
        let more = Self.state(Self.mutations + [.store(Self.record("carol", 2, outgoing: true, "again"))])
        #expect(more != forward)
        #expect(more.conversations != forward.conversations)
    }

    @Test("the table by name reads as the dictionary of the same conversations would")
    func readsLikeADictionary() {
        let s = Self.state(Self.mutations)
        var expected: [String: Conversation] = [:]
        for name in ["bob", "carol", "dave", "erin"] { expected[name] = s.conversations[name] }
        #expect(s.conversations.count == 4)
        #expect(Set(s.conversations.keys) == Set(expected.keys))
        #expect(s.conversations.mapValues(\.acked) == expected.mapValues(\.acked))
        #expect(Dictionary(uniqueKeysWithValues: s.conversations.map { ($0.key, $0.value) }) == expected)
        #expect(s.conversations["carol"]?.acked == 1)
        #expect(s.conversations["erin"]?.reserved == [3])
        #expect(s.conversations["mallory"] == nil)
        #expect(PeerDurableState().conversations.isEmpty)
    }

    @Test("friends are kept by number too, and read and compare by name")
    func friendsByName() {
        let befriend: [PeerMutation] = [
            .setFriend(name: "carol", endpoint: "inproc://carol"),
            .store(Self.record("bob", 1, "hi")),
            .setFriend(name: "bob", endpoint: "inproc://bob"),
        ]
        let s = Self.state(befriend)
        #expect(s.friends["bob"] == "inproc://bob" && s.friends["carol"] == "inproc://carol")
        #expect(s.friends["dave"] == nil)
        #expect(s.sortedFriends == ["bob", "carol"])
        #expect(s == Self.state(befriend.reversed()))
        // An unfriended contact keeps its number and its conversation, and holds what a state
        // that never befriended it holds.
        let unfriended = Self.state(befriend + [.removeFriend("bob")])
        #expect(unfriended.sortedFriends == ["carol"])
        #expect(unfriended.conversations["bob"]?.received.count == 1)
        #expect(unfriended == Self.state([.store(Self.record("bob", 1, "hi")), .setFriend(name: "carol", endpoint: "inproc://carol")]))
        #expect(unfriended != s)
    }

    @Test("contacts are the friends and fellow members but the peer itself, sorted, each once")
    func contactsSortedOnce() {
        func member(_ name: String) -> FriendInfo { FriendInfo(name: name, endpoint: "inproc://\(name)", online: false) }
        let s = Self.state([
            .setFriend(name: "mallory", endpoint: "inproc://mallory"),
            .setFriend(name: "bob", endpoint: "inproc://bob"),
            .setGroup(GroupInfo(name: "team", owner: "alice", members: [member("alice"), member("carol"), member("bob")])),
            .setGroup(GroupInfo(name: "club", owner: "erin", members: [member("erin"), member("alice"), member("carol")])),
        ])
        #expect(s.contacts(except: "alice") == ["bob", "carol", "erin", "mallory"])
        #expect(s.contacts(except: "bob") == ["alice", "carol", "erin", "mallory"])
        #expect(PeerDurableState().contacts(except: "alice").isEmpty)
    }
}
