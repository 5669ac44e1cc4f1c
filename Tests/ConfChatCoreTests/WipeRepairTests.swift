import ConfChatCore
import Testing

/// Repairs after a wipe that chaos found missing at 6 peers and 120 steps (issue 15). Each
/// test is the machine-level form of a shrunk run in `scenarios/chaos-regressions/`.
@Suite("Machines: repairs after a wipe")
struct WipeRepairTests {
    /// alice owns `team` with `members`, who are her friends and not each other's.
    func team(_ members: [String] = ["bob", "carol"]) -> MachineHarness {
        let h = MachineHarness()
        for name in ["alice"] + members {
            h.addPeers(name)
            h.registerAndLogin(name)
        }
        for m in members { h.befriend(m, "alice") }
        h.makeGroup("team", owner: "alice", members: members)
        return h
    }

    /// Seed 5188: carol holds bob's #1, which the registry never backed up. The restored bob
    /// must not number new group messages to carol before it knows that; it used to, and the
    /// conflict moved its first new message after its second.
    @Test func aRestoredPeerAsksAFellowMemberBeforeNumberingMessagesToIt() {
        let h = team()
        h.crashRegistry()
        #expect(h.run("bob", .group(.send(group: "team", text: "g12"))) == .done)
        h.restartRegistry()
        h.crash("bob")
        h.wipe("bob")
        h.restart("bob", endpoint: "inproc://bob-2")
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.run("bob", .group(.send(group: "team", text: "g44"))) == .done)
        #expect(h.run("bob", .group(.send(group: "team", text: "g45"))) == .done)
        h.advance(by: 10_000)
        #expect(h.conversation("carol", with: "bob", outgoing: false) == ["#1 g12", "#2 g44", "#3 g45"])
        #expect(h.delivered("carol").filter { $0.contains("bob#") } == ["[team] bob#1 g12", "[team] bob#2 g44", "[team] bob#3 g45"])
        #expect(h.conversation("bob", with: "carol", outgoing: true) == ["#1 g12", "#2 g44", "#3 g45"])
    }

    /// carol's #1 to dave is gone with both their directories; her #2 waits in the
    /// registry's mailbox; both log in again, restored.
    func strandedBehindALostSeq() -> MachineHarness {
        let h = MachineHarness()
        h.addPeers("carol", "dave")
        h.registerAndLogin("carol", "dave")
        h.befriend("dave", "carol")
        h.partition("carol", PeerName.registry)
        h.partition("dave", PeerName.registry)
        #expect(h.run("carol", .send(to: "dave", text: "m22")) == .done)
        h.crash("dave")
        #expect(h.run("carol", .send(to: "dave", text: "m30")) == .done)
        h.heal()
        h.wipe("dave")
        #expect(h.run("carol", .logout) == .done)  // m30 (#2) goes to the mailbox
        h.wipe("carol")
        #expect(h.run("carol", .login(password: "pw-carol")) == .done)
        #expect(h.run("dave", .login(password: "pw-dave")) == .done)
        h.advance(by: 10_000)
        return h
    }

    /// Seed 5564: the restored carol must skip #1, or dave holds #2 back for ever.
    @Test func aMailedMessageIsNotStrandedBehindASeqLostForGood() {
        let h = strandedBehindALostSeq()
        #expect(h.conversation("dave", with: "carol", outgoing: false) == ["#1 ", "#2 m30"], "#1 a placeholder")
        #expect(h.delivered("dave").last == "carol#2 m30")
        #expect(h.conversation("carol", with: "dave", outgoing: true) == ["#1 ", "#2 m30"], "#1 a placeholder, #2 given back")
    }

    /// tcp seed 9107: the restored dave logs in again (from his own disk) before carol is
    /// back; her answer to his HELLO comes before the registry's LOGIN-REPLY. The seqs he
    /// must not skip (his #2 waits in the mailbox) are on his disk since the restore, so he
    /// skips #1 and nothing else, whatever comes first.
    @Test func theMailMarksOfARestoreOutliveItsSession() {
        let h = MachineHarness()
        h.addPeers("carol", "dave")
        h.registerAndLogin("carol", "dave")
        h.befriend("dave", "carol")
        h.crashRegistry()
        #expect(h.run("dave", .send(to: "carol", text: "m92")) == .done)
        h.partition("carol", "dave")
        h.partition("carol", PeerName.registry)
        #expect(h.run("dave", .send(to: "carol", text: "m96")) == .done)
        h.restartRegistry()
        #expect(h.run("carol", .logout) == .done)
        #expect(h.run("dave", .logout) == .done)  // m96 (#2) goes to the mailbox
        h.wipe("carol")
        h.wipe("dave")
        #expect(h.run("dave", .login(password: "pw-dave")) == .done)
        #expect(h.run("dave", .logout) == .done)
        h.heal()
        #expect(h.run("carol", .login(password: "pw-carol")) == .done)
        #expect(h.run("dave", .login(password: "pw-dave")) == .done)
        h.advance(by: 10_000)
        #expect(h.conversation("carol", with: "dave", outgoing: false) == ["#1 ", "#2 m96"], "#1 a placeholder")
        #expect(h.delivered("carol").last == "dave#2 m96")
    }

    /// Seed 5988: alice's #1 to bob waits in the mailbox while bob cannot reach the registry.
    /// Once the restored alice is in step with bob, her next message must not take #1 again.
    @Test func aSeqStillInTheMailboxIsNotUsedAgain() {
        let h = team()
        h.partition("bob", PeerName.registry)
        h.partition("bob", "alice")
        h.crashRegistry()
        #expect(h.run("alice", .group(.send(group: "team", text: "g14"))) == .done)  // not backed up
        h.restartRegistry()
        #expect(h.run("alice", .logout) == .done)  // g14 to bob (#1) goes to the mailbox, and to the backup
        h.wipe("alice")
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        h.heal()
        h.partition("bob", PeerName.registry)
        h.advance(by: 3_000)  // alice and bob compare notes: bob holds nothing of hers yet
        #expect(h.machine("alice").durable.unsynced.contains("bob") == false)
        #expect(h.run("alice", .group(.send(group: "team", text: "g28"))) == .done)
        // #1 is in the mailbox, and back in alice's sent messages: the logout's deposit of it
        // went just after its backup entry.
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 g14", "#2 g28"])
        h.heal()
        h.advance(by: 10_000)
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 g14", "#2 g28"])
    }

    /// Seed 103680 (and tcp seed 15, 8-peer seeds 300372, 300556, 300999): carol holds bob's
    /// #2 back, waiting for a #1 that went with bob's wipe, and so did #2 itself. The restored
    /// bob's HELLO says he holds nothing: carol forgets the #2 she held, or she would release
    /// it after bob's new #1, out of his order.
    @Test func whatWasHeldBackFromAWipedSenderIsForgotten() {
        let h = team()
        h.partition("bob", "alice")
        h.partition("bob", "carol")
        h.partition("bob", PeerName.registry)
        #expect(h.run("bob", .group(.send(group: "team", text: "g3"))) == .done)  // #1, to no one
        h.heal()
        h.partition("bob", PeerName.registry)
        #expect(h.run("bob", .group(.send(group: "team", text: "g4"))) == .done)  // #2, held back
        h.crash("bob")
        h.wipe("bob")
        h.heal()
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.run("bob", .group(.send(group: "team", text: "g30"))) == .done)
        h.advance(by: 10_000)
        #expect(h.conversation("carol", with: "bob", outgoing: false) == ["#1 g30"])
        #expect(h.delivered("carol").filter { $0.contains("bob#") } == ["[team] bob#1 g30"])
    }

    /// Seed 5930: carol restarts at a new endpoint and is wiped while dave cannot hear the
    /// registry, so dave's view of the group keeps her old endpoint. Her HELLO carries the
    /// new one, and dave answers there.
    @Test func aFellowMemberAnswersAtTheEndpointTheHelloCarries() {
        let h = team(["carol", "dave"])
        h.crash("carol")
        h.partition("dave", PeerName.registry)
        h.wipe("carol")
        h.restart("carol", endpoint: "inproc://carol-2")
        #expect(h.machine("dave").durable.groups["team"]?.members["carol"] == "inproc://carol")
        #expect(h.run("carol", .login(password: "pw-carol")) == .done)
        #expect(h.run("carol", .group(.send(group: "team", text: "g48"))) == .done)
        h.advance(by: 10_000)
        #expect(h.machine("dave").durable.groups["team"]?.members["carol"] == "inproc://carol-2")
        #expect(h.delivered("dave").contains("[team] carol#1 g48"))
    }

    /// Found by tcp chaos at 300 steps: a SKIP placeholder backed up by the catch-up after an
    /// outage came back from a later restore as a message with an empty body.
    @Test func skipPlaceholdersAreNotBackedUp() {
        let h = strandedBehindALostSeq()
        #expect(h.machine("carol").durable.conversations["dave"]?.sent.first?.isSkip == true)
        #expect(h.machine("dave").durable.conversations["carol"]?.received.first?.isSkip == true)
        // An outage: each side's next LOGIN-REPLY marks what the backup holds, and the
        // catch-up sends the rest.
        h.crashRegistry()
        h.advance(by: 5_000)
        h.restartRegistry()
        h.advance(by: 10_000)
        let entries = (h.registryDisk.backups["carol"] ?? []) + (h.registryDisk.backups["dave"] ?? [])
        #expect(entries.contains { $0.seq == 2 }, "the catch-up ran")
        #expect(entries.filter { $0.body.isEmpty }.map(\.seq) == [])
        // carol, wiped again, holds no empty message.
        #expect(h.run("carol", .logout) == .done)
        h.wipe("carol")
        #expect(h.run("carol", .login(password: "pw-carol")) == .done)
        h.advance(by: 5_000)
        #expect(h.conversation("carol", with: "dave", outgoing: true) == ["#2 m30"])
    }

    /// Chaos seed 900023 (6 peers, 150 steps, --network): erin held bob's g7 (#1), which bob's
    /// backup lacked. bob, restored, said HELLO; erin's HISTORY was lost on the way, her HELLO
    /// answer was not, so bob got in step without #1 and numbered g30 #1 again; erin took it
    /// for a copy of g7 and g30 never arrived. A seq the other side holds is now reserved.
    @Test func aSeqTheOtherSideHoldsIsNotUsedAgainWhenItsHistoryIsLost() {
        let h = team(["bob", "erin"])
        h.crashRegistry()
        #expect(h.run("bob", .group(.send(group: "team", text: "g7"))) == .done)  // not backed up
        h.restartRegistry()
        h.crash("bob")
        h.wipe("bob")
        h.restart("bob", endpoint: "inproc://bob-2")
        let erinsHistory: (MachineHarness.Envelope) -> Bool = { $0.from == "erin" && $0.to == "bob" && $0.message.kind == .history }
        h.toLose = [erinsHistory, erinsHistory, erinsHistory]
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        h.advance(by: 1_000)
        #expect(h.run("bob", .group(.send(group: "team", text: "g30"))) == .done)
        h.advance(by: 10_000)
        #expect(h.conversation("erin", with: "bob", outgoing: false) == ["#1 g7", "#2 g30"])
    }
}

