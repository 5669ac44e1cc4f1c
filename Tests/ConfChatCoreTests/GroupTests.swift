import ConfChatCore
import Testing

/// Group chats: the registry keeps the directory, messages go member to member on each pair's sequence.
@Suite("Machines: groups")
struct GroupTests {
    /// alice owns `team` with bob and carol; alice is friends with both, bob and carol are not friends.
    func team() -> MachineHarness {
        let h = MachineHarness()
        h.addPeers("alice", "bob", "carol")
        h.registerAndLogin("alice", "bob", "carol")
        h.befriend("alice", "bob")
        h.befriend("alice", "carol")
        #expect(h.run("alice", .group(.create("team"))) == .done)
        for m in ["bob", "carol"] {
            #expect(h.run("alice", .group(.invite(group: "team", member: m))) == .done)
            #expect(h.run(m, .group(.join("team"))) == .done)
        }
        h.clearRecords()
        return h
    }

    @Test func membersSeeTheGroup() {
        let h = team()
        for m in ["alice", "bob", "carol"] {
            #expect(h.disks[m]?.groups["team"]?.owner == "alice")
            #expect(h.disks[m]?.groups["team"]?.members.keys.sorted() == ["alice", "bob", "carol"])
        }
        #expect(h.registryDisk.groups["team"]?.members == ["alice", "bob", "carol"])
    }

    @Test func groupMessageReachesEveryOtherMemberOnce() {
        let h = team()
        #expect(h.run("alice", .group(.send(group: "team", text: "hi all"))) == .done)
        #expect(h.delivered("bob") == ["[team] alice#1 hi all"])
        #expect(h.delivered("carol") == ["[team] alice#1 hi all"])
        #expect(h.delivered("alice") == [])
        // carol and bob are not friends, yet group messages flow between them.
        #expect(h.run("carol", .group(.send(group: "team", text: "from carol"))) == .done)
        #expect(h.delivered("bob") == ["[team] alice#1 hi all", "[team] carol#1 from carol"])
        #expect(h.delivered("alice") == ["[team] carol#1 from carol"])
        // A group message shares the pair's sequence with one-to-one messages.
        #expect(h.run("alice", .send(to: "bob", text: "just you")) == .done)
        #expect(h.delivered("bob").last == "alice#2 just you")
        // Not a one-to-one channel between non-friends.
        #expect(h.run("carol", .send(to: "bob", text: "psst")) == .refused("bob is not a friend of carol"))
    }

    @Test func groupRefusals() {
        let h = team()
        #expect(h.run("bob", .group(.invite(group: "team", member: "alice"))) == .refused("only the owner of team, alice, can invite"))
        #expect(h.run("bob", .group(.create("team"))) == .refused("the group name 'team' is taken"))
        #expect(h.run("alice", .group(.leave("team"))) == .refused("the owner cannot leave team; destroy it instead"))
        #expect(h.run("bob", .group(.destroy("team"))) == .refused("only the owner of team, alice, can destroy it"))
        #expect(h.run("bob", .group(.send(group: "other", text: "x"))) == .refused("bob is not a member of other"))
    }

    @Test func leaveAndDestroy() {
        let h = team()
        #expect(h.run("carol", .group(.leave("team"))) == .done)
        #expect(h.disks["carol"]?.groups["team"] == nil)
        #expect(h.disks["bob"]?.groups["team"]?.members.keys.sorted() == ["alice", "bob"])
        #expect(h.run("alice", .group(.send(group: "team", text: "without carol"))) == .done)
        #expect(h.delivered("carol") == [])
        #expect(h.delivered("bob") == ["[team] alice#1 without carol"])

        #expect(h.run("alice", .group(.destroy("team"))) == .done)
        #expect(h.disks["bob"]?.groups["team"] == nil)
        #expect(h.events("bob").contains(.groupRemoved(group: "team", reason: "alice destroyed it")))
        #expect(h.registryDisk.groups["team"] == nil)
    }

    @Test func aNonMemberCannotInjectIntoAGroup() {
        let h = team()
        h.addPeers("mallory")
        h.registerAndLogin("mallory")
        h.befriend("mallory", "bob")
        h.clearRecords()
        // mallory is bob's friend but not in `team`: a GROUP-CHAT she sends for it is not shown...
        h.inject(from: "mallory", to: "bob", .groupChat(seq: 1, group: "team", body: Array("forged".utf8)))
        #expect(h.delivered("bob") == [])
        #expect(h.events("bob").contains(.note("discarded mallory#1 for group team: mallory is not a member")))
        // ...nor is the same through the registry's mailbox (the registry lets friends deposit).
        h.inject(from: "mallory", to: "registry", .groupDeposit(to: "bob", seq: 2, group: "team", body: Array("forged".utf8)))
        #expect(h.delivered("bob") == [])
        // Both were kept (hidden) so the pair's sequence stayed whole: her next message is taken.
        #expect(h.conversation("bob", with: "mallory", outgoing: false) == ["#1 forged", "#2 forged"])
        #expect(h.disks["bob"]?.conversations["mallory"]?.received.map(\.kind) == [.discarded, .discarded])
        h.inject(from: "mallory", to: "bob", .chat(seq: 3, body: Array("hello".utf8)))
        #expect(h.delivered("bob") == ["mallory#3 hello"])
    }
}
