import ConfChatCore
import ConfChatStorage
import Testing

/// The memory stores log each transaction and apply it only when read (`MutationLog`): what
/// a restart loads must still be every committed transaction, in order, however reads and
/// transactions interleave.
@Suite struct MemoryStoreTests {
    @Test func aPeerStoreLoadsEveryTransactionInOrder() throws {
        let store = MemoryPeerStore()
        var expected = PeerDurableState()
        let batches: [[PeerMutation]] = [
            [.setFriend(name: "bob", endpoint: "inproc://bob"), .store(ChatRecord(peer: "bob", outgoing: true, seq: 1, body: Array("hi".utf8)))],
            [.markAcked(peer: "bob", upTo: 1)],
            [.store(ChatRecord(peer: "bob", outgoing: false, seq: 1, body: Array("yo".utf8))), .setFriend(name: "bob", endpoint: "inproc://bob.2")],
        ]
        for (i, batch) in batches.enumerated() {
            try store.apply(batch)
            for m in batch { expected.apply(m) }
            // Read after some transactions and not others: a read must not lose or repeat any.
            if i != 1 { #expect(try store.load() == expected) }
        }
        #expect(try store.load() == expected)
        #expect(try store.load().friends["bob"] == "inproc://bob.2")
        #expect(try store.load().conversations["bob"]?.acked == 1)
    }

    @Test func aRegistryStoreKeepsEachBackupEntryOnce() throws {
        let store = MemoryRegistryStore()
        let entry = BackupEntry(peer: "bob", outgoing: true, seq: 1, body: [1, 2, 3], group: nil, proof: [])
        try store.apply([.addBackup(user: "alice", entry)])
        try store.apply([.addBackup(user: "alice", entry), .addBackup(user: "alice", BackupEntry(peer: "bob", outgoing: true, seq: 2, body: [4], group: nil, proof: []))])
        #expect(try store.load().backups["alice"]?.map(\.seq) == [1, 2])
        try store.apply([.addBackup(user: "alice", entry)])
        #expect(try store.load().backups["alice"]?.map(\.seq) == [1, 2])
    }

    /// Message traffic waits in the log while other mutations are applied at once; one
    /// applied at once must still land after the traffic committed before it. A wipe
    /// reported by bob (`resetAcked` to 2) after an acknowledgement of 5 leaves 2, not 5.
    @Test func aMutationAppliedAtOnceComesAfterTheTrafficBeforeIt() throws {
        let store = MemoryPeerStore()
        try store.apply([.setFriend(name: "bob", endpoint: "inproc://bob")])
        try store.apply((1...5).map { .store(ChatRecord(peer: "bob", outgoing: true, seq: $0, body: Array("m\($0)".utf8))) })
        try store.apply([.markAcked(peer: "bob", upTo: 5)])
        try store.apply([.resetAcked(peer: "bob", to: 2)])
        #expect(try store.load().conversations["bob"]?.acked == 2)
        #expect(try store.load().conversations["bob"]?.sent.count == 5)
    }
}
