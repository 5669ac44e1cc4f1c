import ConfChatCore
import Testing

/// BACKUPS: several backup entries in one frame (protocol.md 5.6). The registry keeps its
/// entries by BACKUP's rules in one input, and the builder that gathers them keeps their
/// order within the bounds. (Its hostile bytes: `WireCodecRejectionTests+Backups`.)
@Suite("Registry and builder: BACKUPS")
struct BackupsFrameTests {
    func entry(_ seq: UInt64, body: [UInt8] = [1]) -> BackupEntry {
        BackupEntry(peer: "bob", outgoing: true, seq: seq, body: body)
    }

    @Test("the registry keeps a BACKUPS's entries in order by BACKUP's rules: a full backup refuses one, a repeat is idempotent")
    func registryKeepsEntriesInOrder() {
        var durable = RegistryDurableState()
        durable.apply(.addAccount(name: "alice", hash: "h", endpoint: "inproc://alice", key: []))
        let body = [UInt8](repeating: 7, count: 65_536)
        for i in 1...(RegistryLimits.backupOctets / body.count) {
            durable.apply(.addBackup(user: "alice", BackupEntry(peer: "bob", outgoing: true, seq: UInt64(i), body: body)))
        }
        var registry = RegistryMachine(durable: durable)
        let fits = BackupEntry(peer: "bob", outgoing: false, seq: 1, body: [])
        let repeated = BackupEntry(peer: "bob", outgoing: true, seq: 1, body: body)
        let fitsToo = BackupEntry(peer: "carol", outgoing: false, seq: 1, body: [])
        #expect(registry.handle(from: "alice", .backups([entry(5_000), fits, repeated, fitsToo]))
            == [.note("refused BACKUP to=bob#5000 from alice: its backup is full"),
                .persist(.addBackup(user: "alice", fits)), .persist(.addBackup(user: "alice", fitsToo))])
        #expect(registry.handle(from: "alice", .backups([fits, fitsToo])) == [], "a repeat of the whole frame writes nothing")
    }

    @Test("the builder keeps the order, sends a lone entry as BACKUP and splits at the bound of entries")
    func builderSplitsAtTheEntryBound() {
        var frame = BackupFrameBuilder()
        #expect(frame.take() == nil)
        frame.add(entry(1))
        #expect(frame.take() == .backup(entry(1)))
        var frames: [WireMessage] = []
        for seq in 1...UInt64(WireCodec.maxBackupsEntries + 2) {
            if !frame.fits(entry(seq)), let m = frame.take() { frames.append(m) }
            frame.add(entry(seq))
        }
        if let m = frame.take() { frames.append(m) }
        #expect(frames == [.backups((1...UInt64(WireCodec.maxBackupsEntries)).map { entry($0) }),
                           .backups([entry(UInt64(WireCodec.maxBackupsEntries) + 1), entry(UInt64(WireCodec.maxBackupsEntries) + 2)])])
    }

    @Test("the builder splits before the request frame limit, counting each body as encrypted")
    func builderSplitsAtTheOctetBound() throws {
        let big = [UInt8](repeating: 9, count: WireCodec.maxBodySize)
        var frame = BackupFrameBuilder()
        frame.add(entry(1, body: big))
        #expect(!frame.fits(entry(2, body: [UInt8](repeating: 9, count: 2_000))), "a second entry would pass the limit once encrypted")
        var sealed = frame.entries
        for k in sealed.indices { sealed[k].body += [UInt8](repeating: 0, count: WireCodec.maxSealingOverhead) }
        #expect(try WireCodec.encode(.backup(sealed[0])).count <= WireCodec.maxRequestFrameSize)
        // Small entries fill a frame up to the limit, and not beyond.
        var small = BackupFrameBuilder()
        let half = [UInt8](repeating: 9, count: 30_000)
        small.add(entry(1, body: half))
        #expect(small.fits(entry(2, body: half)))
        small.add(entry(2, body: half))
        #expect(!small.fits(entry(3, body: half)))
        var entries = small.entries
        for k in entries.indices { entries[k].body += [UInt8](repeating: 0, count: WireCodec.maxSealingOverhead) }
        #expect(try WireCodec.encode(.backups(entries)).count <= WireCodec.maxRequestFrameSize)
    }
}
