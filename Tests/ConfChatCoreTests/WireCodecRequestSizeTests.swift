import ConfChatCore
import Testing

/// The registry's inbox takes no frame over `WireCodec.maxRequestFrameSize` (its
/// `ZMQ_MAXMSGSIZE`): every message a peer may send it, each field as long as the decoder
/// allows, must still fit, or the registry would close an honest peer's connection.
@Suite("Wire codec: the largest request")
struct WireCodecRequestSizeTests {
    static let name = String(repeating: "n", count: 255)
    static let body = [UInt8](repeating: 7, count: WireCodec.maxStoredBodySize)
    static let proof = [UInt8](repeating: 1, count: 255)
    static let key = [UInt8](repeating: 2, count: 255)
    static let password = String(repeating: "p", count: WireCodec.maxPasswordSize)

    /// Every kind a peer sends the registry, at its largest.
    static let largest: [WireMessage] = [
        .register(req: .max, name: name, password: password, endpoint: name, key: key),
        .login(req: .max, name: name, password: password, endpoint: name, wantBackup: true, key: key),
        .logout(req: .max),
        .friendRequest(req: .max, to: name),
        .friendAnswer(req: .max, to: name, accept: true),
        .unfriend(req: .max, other: name),
        .deposit(to: name, seq: .max, body: body, proof: proof),
        .groupDeposit(to: name, seq: .max, group: name, body: body, proof: proof),
        .mailboxAck(from: name, upTo: .max),
        .backup(BackupEntry(peer: name, outgoing: false, seq: .max, body: body, group: name, proof: proof)),
        .ping,
        .createGroup(req: .max, group: name),
        .invite(req: .max, group: name, member: name),
        .joinGroup(req: .max, group: name),
        .leaveGroup(req: .max, group: name),
        .destroyGroup(req: .max, group: name),
        .mailFetch(after: name, seq: .max),
        .mailDrop(from: name, seq: .max),
        .backupFetch(req: .max, from: .max),
        largestBackups,
    ]

    /// A BACKUPS as a peer sends it at its largest: the entries a `BackupFrameBuilder` lets
    /// into one frame, each body as long as a CHAT's may be and then encrypted.
    static let largestBackups: WireMessage = {
        let plain = [UInt8](repeating: 7, count: 20_000)
        let entry = BackupEntry(peer: name, outgoing: false, seq: .max, body: plain, group: name, proof: proof)
        var frame = BackupFrameBuilder()
        while frame.fits(entry) { frame.add(entry) }
        var entries = frame.entries
        for k in entries.indices { entries[k].body += [UInt8](repeating: 0, count: WireCodec.maxSealingOverhead) }
        return .backups(entries)
    }()

    @Test("every request at its largest fits in the registry's largest frame")
    func everyRequestFits() throws {
        for message in Self.largest {
            let size = try WireCodec.encode(message).count
            #expect(size <= WireCodec.maxRequestFrameSize, "\(message.kind.name): \(size) octets")
        }
    }

    @Test("the largest is a BACKUP of a group message, with room to spare but not much")
    func largestIsBackup() throws {
        let sizes = try Self.largest.map { try WireCodec.encode($0).count }
        #expect(sizes.max() == 66_385)
        #expect(WireCodec.maxRequestFrameSize - 66_385 < 1024)
    }
}
