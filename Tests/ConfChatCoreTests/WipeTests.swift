import ConfChatCore
import Testing

/// A peer whose data directory was lost gets its friends and conversations back.
@Suite("Machines: wipe and sync")
struct WipeTests {
    func chatted() -> MachineHarness {
        let h = MachineHarness()
        h.addPeers("alice", "bob", "carol")
        h.registerAndLogin("alice", "bob", "carol")
        h.befriend("alice", "bob")
        h.befriend("carol", "alice")
        for text in ["a1", "a2"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        #expect(h.run("bob", .send(to: "alice", text: "b1")) == .done)
        #expect(h.run("carol", .send(to: "alice", text: "c1")) == .done)
        #expect(h.run("alice", .send(to: "carol", text: "to carol")) == .done)
        #expect(h.run("bob", .addFriend("carol")) == .done)  // pending, unrelated to alice
        // carol is away: what alice sent her can come back only from the registry's backup.
        #expect(h.run("carol", .logout) == .done)
        return h
    }

    @Test func wipeAndLoginRestoresFriendsAndBothDirectionsFromTheBackup() {
        let h = chatted()
        let before = h.disks["alice"]!
        h.wipe("alice")
        #expect(h.disks["alice"] == PeerDurableState())
        h.clearRecords()

        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        let after = h.disks["alice"]!
        #expect(after.credentials == "key:alice:pw-alice")
        #expect(after.friends == ["bob": "inproc://bob", "carol": "inproc://carol"])
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 a1", "#2 a2"])
        #expect(h.conversation("alice", with: "bob", outgoing: false) == ["#1 b1"])
        #expect(h.conversation("alice", with: "carol", outgoing: false) == ["#1 c1"])
        #expect(h.conversation("alice", with: "carol", outgoing: true) == ["#1 to carol"])
        #expect(h.sent(.history, from: "bob", to: "alice") == [], "bob has nothing alice lacks")
        #expect(after.conversations.mapValues { $0.sent } == before.conversations.mapValues { $0.sent })
        // The backup keeps no proofs: received messages come back without them.
        let unproven = { (c: Conversation) in c.received.map { r in var r = r; r.proof = []; return r } }
        #expect(after.conversations.mapValues(unproven) == before.conversations.mapValues(unproven))
        // Friends greet her back, and confirm what they hold.
        #expect(h.machine("alice").sees("bob") == true)
        #expect(after.conversations["bob"]?.acked == 2)
        // Nothing is delivered again to anyone.
        #expect(h.delivered("bob") == [])
        #expect(h.delivered("alice") == [])

        // The next message continues the sequence, and bob takes it as new.
        #expect(h.run("alice", .send(to: "bob", text: "a3")) == .done)
        #expect(h.chats(from: "alice", to: "bob") == ["#3 a3"])
        #expect(h.delivered("bob") == ["alice#3 a3"])
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 a1", "#2 a2", "#3 a3"])
        // To carol, who is away, a restored alice cannot yet know how far carol got (the
        // backup may have missed some of alice's messages): the message is accepted and
        // waits without a seq, until carol's HELLO; then it goes out as #2.
        #expect(h.run("alice", .send(to: "carol", text: "again")) == .done)
        #expect(h.machine("alice").durable.queued["carol"]?.count == 1)
        #expect(h.sent(.deposit, from: "alice", to: "registry").isEmpty)
        #expect(h.run("carol", .login(password: "pw-carol")) == .done)
        #expect(h.machine("alice").durable.queued["carol"] == nil)
        #expect(h.conversation("alice", with: "carol", outgoing: true) == ["#1 to carol", "#2 again"])
        #expect(h.delivered("carol") == ["alice#2 again"])
    }

    @Test("a wiped peer's login gets the backup marks its whole backup gives, before and after the registry restarts")
    func loginMarksAfterWipeAndRegistryRestart() {
        let h = chatted()
        h.wipe("alice")
        h.clearRecords()
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        h.crashRegistry()
        h.restartRegistry()
        h.wipe("alice")
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        let given = h.sent(.loginReply, from: "registry", to: "alice").compactMap { message -> [BackupMark]? in
            if case let .loginReply(_, snapshot) = message { snapshot.backupMarks } else { nil }
        }
        #expect(given.count == 2)
        #expect(given.allSatisfy { $0 == AccountBookTests.scannedMarks(h.registryDisk, "alice") })
        #expect(given.first == [BackupMark(peer: "bob", outgoing: false, seq: 1, held: 1), BackupMark(peer: "bob", outgoing: true, seq: 2, held: 2),
                                BackupMark(peer: "carol", outgoing: false, seq: 1, held: 1), BackupMark(peer: "carol", outgoing: true, seq: 1, held: 1)])
    }

    @Test func wipedSenderGetsItsHistoryFromAFriendWhenTheBackupMissedIt() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        h.crashRegistry()
        #expect(h.run("alice", .send(to: "bob", text: "unbacked")) == .done)  // the BACKUP is lost
        h.wipe("alice")
        h.restartRegistry()
        h.advance(by: h.config.registryPingInterval)  // bob re-announces and backs up what he received
        #expect(h.registryDisk.backups["alice"] == nil)
        h.clearRecords()

        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        let given = h.sent(.history, from: "bob", to: "alice")
        #expect(given.count == 1)
        if case let .history(first, items) = given.first {
            #expect(first == 1 && items.map(\.body) == [Array("unbacked".utf8)] && items.allSatisfy { !$0.proof.isEmpty }, "with alice's proof")
        }
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 unbacked"])
        #expect(h.run("alice", .send(to: "bob", text: "next")) == .done)
        #expect(h.delivered("bob") == ["alice#2 next"])
        #expect(h.events("bob").filter { if case .duplicate = $0 { true } else { false } } == [])
    }

    @Test func wipedReceiverGetsAgainWhatTheBackupMissed() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        h.crashRegistry()
        #expect(h.run("alice", .send(to: "bob", text: "only bob had it")) == .done)
        h.wipe("bob")
        h.restartRegistry()
        h.advance(by: h.config.registryPingInterval)
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 1)
        h.clearRecords()

        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 only bob had it"])
        #expect(h.delivered("bob") == ["alice#1 only bob had it"])
    }
}
