import ConfChatCore
import Testing

/// A wiped peer's backup comes back in pages: the first in LOGIN-REPLY, the rest one
/// BACKUP-FETCH / BACKUP-PAGE at a time (5.6 of docs/protocol.md). One LOGIN-REPLY once
/// carried it all: a backup of more than 16 MiB did not fit the frame limit, one of more than
/// 65,535 entries could not be encoded at all, and such a wiped user could not log in.
@Suite("Machines: backup in pages")
struct BackupPagingTests {
    /// `count` messages each way between alice and carol, as alice's backup entries: carol is
    /// no contact of alice's (a former friend), so alice has no one to compare notes with, and
    /// what she holds after the login is what the backup gave her.
    func history(_ count: Int, size: Int = 0) -> [BackupEntry] {
        (1...count).flatMap { i in
            [true, false].map { outgoing in
                let tag = "\(outgoing ? "to" : "from") carol #\(i)"
                let text = tag + String(repeating: ".", count: max(0, size - tag.utf8.count))
                return BackupEntry(peer: "carol", outgoing: outgoing, seq: UInt64(i), body: Array(text.utf8),
                                   proof: outgoing ? [] : [UInt8(i % 256)])
            }
        }
    }

    /// What `h`'s alice holds of her conversation with carol, in seq order, as `#seq text`,
    /// and what the backup of `count` messages each way should give her.
    func restored(_ h: MachineHarness, outgoing: Bool) -> [String] {
        h.conversation("alice", with: "carol", outgoing: outgoing).map { $0.prefix { $0 != "." }.description }
    }

    func expected(_ count: Int, outgoing: Bool) -> [String] {
        (1...count).map { "#\($0) \(outgoing ? "to" : "from") carol #\($0)" }
    }

    /// alice, registered, with `entries` in her backup at the registry, wiped.
    func wipedAlice(with entries: [BackupEntry]) -> MachineHarness {
        let h = MachineHarness()
        h.addPeers("alice")
        h.registerAndLogin("alice")
        #expect(h.run("alice", .logout) == .done)
        h.seedBackup("alice", entries)
        h.wipe("alice")
        h.clearRecords()
        return h
    }

    @Test("a backup of 18 MB (300 messages of 60 KB) comes back whole, in pages that fit a frame")
    func largeBodiesComeInPages() throws {
        let h = wipedAlice(with: history(150, size: 60_000))
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.machine("alice").isLoggedIn)
        #expect(restored(h, outgoing: true) == expected(150, outgoing: true))
        #expect(restored(h, outgoing: false) == expected(150, outgoing: false))
        #expect(h.disks["alice"]?.conversations["carol"]?.received.map(\.proof) == (1...150).map { [UInt8($0 % 256)] })
        let pages = h.sent(.backupPage, from: "registry", to: "alice")
        #expect(pages.count == 17, "1 MiB of 60 KB bodies a page: 17 entries in LOGIN-REPLY and in each of 16 pages, 11 in the last")
        #expect(h.sent(.backupFetch, from: "alice", to: "registry").count == 17)
        for frame in try (pages + h.sent(.loginReply, from: "registry", to: "alice")).map({ try WireCodec.encode($0) }) {
            #expect(frame.count < 2 * RegistryLimits.backupPageOctets)
        }
    }

    @Test("a backup of more than 65,535 entries comes back whole and in order")
    func moreEntriesThanAListCanCount() {
        let h = wipedAlice(with: history(33_000))
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(restored(h, outgoing: true) == expected(33_000, outgoing: true))
        #expect(restored(h, outgoing: false) == expected(33_000, outgoing: false))
        #expect(h.sent(.backupPage, from: "registry", to: "alice").count == 16, "4,096 entries a page")
    }

    /// Credentials are stored only after the last page: a peer that stored them at the
    /// LOGIN-REPLY would log in locally next time, and never ask for the rest of its backup.
    @Test("a login whose backup stops half way stores no credentials, and the next login restores it all")
    func aBrokenRestoreStartsAgain() {
        let h = wipedAlice(with: history(5_000))
        h.toLose = Array(repeating: { $0.message.kind == .backupPage }, count: 1_000)
        guard case let .refused(why) = h.run("alice", .login(password: "pw-alice")) else {
            Issue.record("the login did not fail")
            return
        }
        #expect(why.hasPrefix("the registry did not answer"))
        #expect(!h.machine("alice").isLoggedIn)
        #expect(h.disks["alice"]?.credentials == nil)
        #expect(restored(h, outgoing: true).count == RegistryLimits.backupPageEntries / 2, "the LOGIN-REPLY's page only")
        h.toLose = []
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.disks["alice"]?.credentials != nil)
        #expect(restored(h, outgoing: true) == expected(5_000, outgoing: true))
        #expect(restored(h, outgoing: false) == expected(5_000, outgoing: false))
    }

    @Test("a lost page is asked for again and the login completes")
    func aLostPageIsFetchedAgain() {
        let h = wipedAlice(with: history(5_000))
        h.toLose = [{ $0.message.kind == .backupPage }]
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(restored(h, outgoing: false) == expected(5_000, outgoing: false))
    }

    /// Anyone can register an account and send BACKUP: what the registry keeps of one user's
    /// backup is bounded, in entries and in body octets.
    @Test("the registry keeps at most 262,144 entries of one user's backup; beyond, a new entry is noted and not kept")
    func theBackupIsBoundedInEntries() {
        var durable = RegistryDurableState()
        durable.apply(.addAccount(name: "alice", hash: "h", endpoint: "inproc://alice", key: []))
        for i in 1...RegistryLimits.backupEntries {
            durable.apply(.addBackup(user: "alice", BackupEntry(peer: "bob", outgoing: true, seq: UInt64(i), body: [])))
        }
        var registry = RegistryMachine(durable: durable)
        let over = UInt64(RegistryLimits.backupEntries + 1)
        #expect(registry.handle(from: "alice", .backup(BackupEntry(peer: "bob", outgoing: true, seq: over, body: [1])))
            == [.note("refused BACKUP to=bob#\(over) from alice: its backup is full")])
        #expect(registry.durable.backups["alice"]?.count == RegistryLimits.backupEntries)
        // A repeat of an entry held costs nothing, and is not refused.
        #expect(registry.handle(from: "alice", .backup(BackupEntry(peer: "bob", outgoing: true, seq: 1, body: []))) == [])
        // Another user's backup is its own.
        _ = registry.handleChecked(from: "bob", .register(req: 1, name: "bob", password: "pw", endpoint: "inproc://bob", key: []))
        let entry = BackupEntry(peer: "alice", outgoing: true, seq: 1, body: [1])
        #expect(registry.handle(from: "bob", .backup(entry)) == [.persist(.addBackup(user: "bob", entry))])
    }

    @Test("the registry keeps at most 256 MiB of bodies in one user's backup")
    func theBackupIsBoundedInOctets() {
        var durable = RegistryDurableState()
        durable.apply(.addAccount(name: "alice", hash: "h", endpoint: "inproc://alice", key: []))
        let body = [UInt8](repeating: 7, count: 65_536)  // one buffer, shared by every entry
        for i in 1...(RegistryLimits.backupOctets / body.count) {
            durable.apply(.addBackup(user: "alice", BackupEntry(peer: "bob", outgoing: true, seq: UInt64(i), body: body)))
        }
        var registry = RegistryMachine(durable: durable)
        #expect(registry.handle(from: "alice", .backup(BackupEntry(peer: "bob", outgoing: true, seq: 5_000, body: [1])))
            == [.note("refused BACKUP to=bob#5000 from alice: its backup is full")])
        #expect(registry.handle(from: "alice", .backup(BackupEntry(peer: "bob", outgoing: false, seq: 1, body: [])))
            == [.persist(.addBackup(user: "alice", BackupEntry(peer: "bob", outgoing: false, seq: 1, body: [])))],
            "an empty body still fits")
    }
}
