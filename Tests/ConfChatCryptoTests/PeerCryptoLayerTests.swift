import ConfChatCore
import ConfChatCrypto
import ConfChatDriver
import Testing

/// The backup key follows the password the peer's machine holds (`PeerCryptoLayer.password`),
/// not the commands someone ran: no password, no key; a login under way, its key.
@Suite struct PeerCryptoLayerTests {
    func layer() -> PeerCryptoLayer {
        var rng = SplitMix64(seed: 3)
        return PeerCryptoLayer(user: "alice", keys: NodeKeys.derive(from: &rng), sealer: MessageSealer(seed: 5, cost: .fast))
    }

    @Test("a backup entry waits for a password; with one it leaves encrypted, and the backup that comes back opens")
    func backupKeyFollowsThePassword() throws {
        let crypto = layer()
        var password: String?
        crypto.password = { password }
        let entry = BackupEntry(peer: "bob", outgoing: true, seq: 1, body: Array("hi".utf8))
        #expect(crypto.outbound(.backup(entry), keyOf: { _ in nil }) == .withheld(.noBackupKey))

        password = "pw-a"
        guard case let .ready(.backup(sealed)) = crypto.outbound(.backup(entry), keyOf: { _ in nil }) else {
            Issue.record("not sent")
            return
        }
        #expect(sealed.body != entry.body)
        let reply = WireMessage.loginReply(req: 1, snapshot: LoginSnapshot(backup: [sealed]))
        #expect(crypto.inputs(from: PeerName.registry, reply)
            == [.received(from: PeerName.registry, .loginReply(req: 1, snapshot: LoginSnapshot(backup: [entry])))])

        // Under another password the entry does not open: it is dropped, not shown as garbage.
        password = "another"
        #expect(crypto.inputs(from: PeerName.registry, reply)
            == [.received(from: PeerName.registry, .loginReply(req: 1, snapshot: LoginSnapshot(backup: [])))])
    }

    /// `SealingTransport` sends a message `outbound` leaves `.unchanged` as it came, without a
    /// copy: a CHAT must never be sealed (its recipient has no way to open it), mail and backup
    /// entries must never leave plain.
    @Test("what the layer leaves alone leaves as it came; mail and backup entries are sealed")
    func messagesItLeavesAlone() {
        let crypto = layer()
        crypto.password = { "pw-a" }
        var rng = SplitMix64(seed: 8)
        let bobKey = NodeKeys.derive(from: &rng).publicKey
        let alone: [WireMessage] = [
            .chat(seq: 1, body: Array("hi".utf8), proof: [7]), .chatAck(upTo: 1), .heartbeat, .ping,
            .hello(endpoint: "inproc://bob", ack: 1, sent: 2, isReply: false), .mailboxAck(from: "bob", upTo: 1),
            .logout(req: 3),
        ]
        let wire = Recorder()
        let transport = SealingTransport(crypto: crypto, next: wire, keyOf: { _ in bobKey })
        for m in alone {
            #expect(crypto.outbound(m, keyOf: { _ in bobKey }) == .unchanged)
            #expect(transport.send(m, from: "alice", to: .registry) == .sent)
            #expect(wire.sent.last == m)
        }
        let sealed: [WireMessage] = [
            .deposit(to: "bob", seq: 1, body: Array("hi".utf8), proof: []),
            .groupDeposit(to: "bob", seq: 1, group: "team", body: Array("hi".utf8), proof: []),
            .backup(BackupEntry(peer: "bob", outgoing: true, seq: 1, body: Array("hi".utf8))),
        ]
        for m in sealed {
            let out = crypto.outbound(m, keyOf: { _ in bobKey })
            #expect(out != .unchanged && out != .ready(m))
            #expect(transport.send(m, from: "alice", to: .registry) == .sent)
            #expect(wire.sent.last != m && wire.sent.last?.kind == m.kind)
        }
    }

    /// The wire under a `SealingTransport`: what reached it.
    final class Recorder: Transport {
        var sent: [WireMessage] = []
        func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome {
            sent.append(message)
            return .sent
        }
    }

    /// The pages after LOGIN-REPLY's (BACKUP-PAGE) open the same way; one that does not
    /// decrypt is dropped, and `next` still says where the next page starts.
    @Test("a page of backup opens with the key of the login under way; an entry that does not is dropped")
    func backupPagesOpen() throws {
        let crypto = layer()
        crypto.password = { "pw-a" }
        let entry = BackupEntry(peer: "bob", outgoing: false, seq: 9, body: Array("page two".utf8), proof: [1])
        guard case let .ready(.backup(sealed)) = crypto.outbound(.backup(entry), keyOf: { _ in nil }) else {
            Issue.record("not sent")
            return
        }
        var garbage = sealed
        garbage.seq = 10
        garbage.body[30] ^= 1
        let waiting = BackupWaiting(next: 4_098, entries: 7)
        let page = WireMessage.backupPage(req: 3, waiting: waiting, entries: [sealed, garbage])
        #expect(crypto.inputs(from: PeerName.registry, page)
            == [.received(from: PeerName.registry, .backupPage(req: 3, waiting: waiting, entries: [entry]))])
    }

    @Test("a logout's deposits keep their backup entries: the session's key lasts until LOGOUT leaves, not after")
    func backupKeyLastsUntilLogout() {
        let crypto = layer()
        var password: String? = "pw-a"
        crypto.password = { password }
        let entry = BackupEntry(peer: "bob", outgoing: true, seq: 2, body: Array("last words".utf8))
        _ = crypto.outbound(.backup(entry), keyOf: { _ in nil })

        // The machine has ended its session; its logout batch still holds a backup entry.
        password = nil
        guard case .ready(.backup) = crypto.outbound(.backup(entry), keyOf: { _ in nil }) else {
            Issue.record("the logout's backup entry was withheld")
            return
        }
        #expect(crypto.outbound(.logout(req: 0), keyOf: { _ in nil }) == .unchanged)
        #expect(crypto.outbound(.backup(entry), keyOf: { _ in nil }) == .withheld(.noBackupKey))
    }
}
