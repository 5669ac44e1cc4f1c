import ConfChatCore
import Testing

/// The registry's backup of a user's conversations follows what the peer stores: each message
/// newly stored goes to the backup as it is written, whatever stored it.
@Suite("Machines: backup")
struct BackupTests {
    /// The backup entry of each message `peer` holds (placeholders are no messages).
    func held(_ h: MachineHarness, _ peer: String) -> Set<BackupEntry> {
        var out: Set<BackupEntry> = []
        for c in h.disks[peer]?.conversations.values.map({ $0 }) ?? [] {
            for r in c.sent + c.received where !r.isSkip {
                out.insert(BackupEntry(peer: r.peer, outgoing: r.outgoing, seq: r.seq, body: r.body, group: r.group,
                                       proof: r.outgoing ? [] : r.proof))
            }
        }
        return out
    }

    @Test("every message a peer stores, sent or received, one-to-one or group, direct or mailed, is in its backup")
    func everythingStoredIsBackedUp() {
        let h = MachineHarness.twoFriends()
        h.addPeers("carol")
        h.registerAndLogin("carol")
        h.befriend("alice", "carol")
        h.makeGroup("team", owner: "alice", members: ["bob", "carol"])
        #expect(h.run("alice", .send(to: "bob", text: "one")) == .done)
        #expect(h.run("bob", .send(to: "alice", text: "two")) == .done)
        #expect(h.run("bob", .logout) == .done)
        #expect(h.run("alice", .send(to: "bob", text: "mailed")) == .done)
        #expect(h.run("carol", .group(.send(group: "team", text: "to the team"))) == .done)
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        h.advance(by: 10_000)
        for peer in ["alice", "bob", "carol"] {
            #expect(!held(h, peer).isEmpty)
            #expect(Set(h.registryDisk.backups[peer] ?? []) == held(h, peer), "\(peer)")
        }
    }

    /// A login used to send BACKUP only above the backup's highest seq: one lost below it
    /// (the registry down, a lossy link) left a hole for good, and a wipe restored without it.
    @Test("a BACKUP lost below the backup's highest seq is sent again at the next login, once")
    func aHoleInTheBackupIsFilledAtTheNextLogin() {
        let h = MachineHarness.twoFriends()
        h.toLose = [{ $0.from == "alice" && $0.message.kind == .backup }]
        #expect(h.run("alice", .send(to: "bob", text: "one")) == .done)
        #expect(h.run("alice", .send(to: "bob", text: "two")) == .done)
        #expect(h.registryDisk.backups["alice"]?.map(\.seq) == [2], "#1's BACKUP was lost")
        #expect(h.run("alice", .logout) == .done)
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        h.advance(by: 100)
        #expect(Set(h.registryDisk.backups["alice"] ?? []) == held(h, "alice"))
        #expect(h.events("alice").contains(.note("the registry's backup holds 1 of our 2 messages to bob up to #2: sending them again")))
        // The backup is whole: the next login sends nothing again.
        #expect(h.run("alice", .logout) == .done)
        h.clearRecords()
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        h.advance(by: 100)
        #expect(h.sent(.backup, from: "alice", to: "registry").isEmpty)
    }

    /// The BACKUP of a message comes right after its write in the machine's effects, before
    /// anything the message makes it send: nothing is backed up that was not written first in
    /// the same batch, and no path that stores a message can leave its backup out.
    @Test("a stored message's BACKUP is the effect right after its write, sent or received")
    func backupFollowsTheWrite() {
        let h = MachineHarness.twoFriends()
        var alice = h.machine("alice")
        var bob = h.machine("bob")
        let sending = alice.handle(.command(900, .send(to: "bob", text: "hi")), now: h.now)
        let receiving = bob.handle(.received(from: "alice", .chat(seq: 1, body: Array("hi".utf8), proof: [])), now: h.now)
        for effects in [sending, receiving] {
            let stores = effects.indices.filter { if case .persist(.store) = effects[$0] { true } else { false } }
            #expect(stores.count == 1)
            for i in stores {
                guard case let .persist(.store(r)) = effects[i] else { continue }
                let entry = BackupEntry(peer: r.peer, outgoing: r.outgoing, seq: r.seq, body: r.body, group: r.group, proof: r.proof)
                #expect(effects[i + 1] == .send(.registry, .backup(entry)), "\(effects)")
            }
        }
    }
}
