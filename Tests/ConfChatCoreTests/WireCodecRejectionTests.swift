import ConfChatCore
import Testing

/// Malformed frames end as a `WireError`, never as a crash and never as a wrong message.
@Suite("Wire codec: rejection")
struct WireCodecRejectionTests {
    static let header: [UInt8] = [0xC7, 0xA1, 0x01]

    /// The error `decode` throws, or nil (recorded as an issue) if it decoded.
    func error(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> WireError? {
        do {
            let m = try WireCodec.decode(bytes)
            Issue.record("decoded \(m) from \(bytes.prefix(32))", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: WireSamples.named)
    func everyProperPrefixIsRejected(_ sample: WireSamples.Sample) throws {
        let message = sample.message
        let bytes = try WireCodec.encode(message)
        // The big samples have tens of thousands of prefixes; every one is checked all the same.
        for n in 0..<bytes.count {
            let e = error(Array(bytes[..<n]))
            guard case .tooShort = e else {
                Issue.record("prefix of \(n)/\(bytes.count) bytes of \(message.kind.name): \(String(describing: e))")
                return
            }
        }
    }

    @Test func emptyAndTinyFrames() {
        #expect(error([]) == .tooShort(needed: 4, offset: 0))
        #expect(error([0xC7]) == .tooShort(needed: 3, offset: 1))
        #expect(error([0xC7, 0xA1, 0x01]) == .tooShort(needed: 1, offset: 3))
    }

    @Test func badSignature() {
        #expect(error([0xC7, 0xA2, 0x01, 0x41]) == .badSignature([0xC7, 0xA2]))
        #expect(error(Array("GET / HTTP/1.1\r\n".utf8)) == .badSignature([0x47, 0x45]))
    }

    @Test func unknownVersion() {
        #expect(error([0xC7, 0xA1, 0x02, 0x41]) == .unsupportedVersion(2))
        #expect(error([0xC7, 0xA1, 0x00, 0x41]) == .unsupportedVersion(0))
    }

    @Test func unknownKind() {
        for raw in UInt8.min...UInt8.max where MessageKind(rawValue: raw) == nil {
            #expect(error(Self.header + [raw, 0, 0, 0, 0]) == .unknownKind(raw))
        }
    }

    @Test func trailingBytes() throws {
        #expect(error(Self.header + [0x41, 0x00]) == .trailingBytes(1))
        #expect(error(try WireCodec.encode(.chatAck(upTo: 1)) + [1, 2, 3]) == .trailingBytes(3))
    }

    @Test func invalidUTF8InAName() {
        // FRIEND-REQUEST req=1 to=<C3 28>: 0xC3 starts a two-byte sequence, 0x28 cannot continue it.
        #expect(error(Self.header + [0x04, 0, 0, 0, 1, 2, 0xC3, 0x28]) == .invalidUTF8(field: "to"))
        // HELLO with an endpoint that is a lone continuation byte.
        #expect(error(Self.header + [0x40, 1, 0x80] + [UInt8](repeating: 0, count: 17)) == .invalidUTF8(field: "endpoint"))
        // REPLY with an error text cut in the middle of a multi-byte character.
        #expect(error(Self.header + [0x20, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0xE4]) == .invalidUTF8(field: "error"))
    }

    @Test func overLimitBodyIsRejectedBeforeItIsRead() throws {
        let size = WireCodec.maxBodySize + 1
        let n = UInt32(size)
        let length: [UInt8] = [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        // Only the length is present: the limit is checked before the decoder looks for the bytes.
        #expect(error(Self.header + [0x43, 0, 0, 0, 0, 0, 0, 0, 1] + length)
            == .tooLarge(field: "body", size: size, limit: WireCodec.maxBodySize))
        // A length of 4 GiB - 1.
        #expect(error(Self.header + [0x43, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF])
            == .tooLarge(field: "body", size: 0xFFFF_FFFF, limit: WireCodec.maxBodySize))
        // The largest allowed body is accepted.
        let max = WireMessage.chat(seq: 1, body: [UInt8](repeating: 7, count: WireCodec.maxBodySize))
        #expect(try WireCodec.decode(try WireCodec.encode(max)) == max)
    }

    @Test func storedBodiesHaveRoomForSealing() throws {
        // A maximal body, sealed by the shell for the mailbox (48 bytes more) or encrypted for
        // the backup (40 bytes more), must still pass the registry's decoder.
        let sealed = [UInt8](repeating: 1, count: WireCodec.maxBodySize + 48)
        for m: WireMessage in [
            .deposit(to: "bob", seq: 1, body: sealed),
            .groupDeposit(to: "bob", seq: 1, group: "g", body: sealed),
            .mailbox([MailItem(from: "alice", seq: 1, body: sealed)]),
            .backup(BackupEntry(peer: "bob", outgoing: true, seq: 1, body: sealed)),
            .loginReply(req: 1, snapshot: LoginSnapshot(backup: [BackupEntry(peer: "bob", outgoing: false, seq: 1, body: sealed)])),
        ] {
            #expect(try WireCodec.decode(try WireCodec.encode(m)) == m, "\(m.kind.name)")
        }
        #expect(WireCodec.maxStoredBodySize == WireCodec.maxBodySize + WireCodec.maxSealingOverhead)
        #expect(WireCodec.maxSealingOverhead >= 48)
        // One byte more than that is refused; direct chat keeps the plain limit.
        let over = [UInt8](repeating: 1, count: WireCodec.maxStoredBodySize + 1)
        #expect(error(try WireCodec.encode(.deposit(to: "bob", seq: 1, body: over)))
            == .tooLarge(field: "body", size: WireCodec.maxStoredBodySize + 1, limit: WireCodec.maxStoredBodySize))
        #expect(error(try WireCodec.encode(.chat(seq: 1, body: sealed)))
            == .tooLarge(field: "body", size: WireCodec.maxBodySize + 48, limit: WireCodec.maxBodySize))
    }

    @Test func overLimitPasswordAndErrorText() {
        #expect(error(Self.header + [0x01, 0, 0, 0, 1, 1, 0x61, 0, 0, 0x04, 0x01])
            == .tooLarge(field: "password", size: WireCodec.maxPasswordSize + 1, limit: WireCodec.maxPasswordSize))
        #expect(error(Self.header + [0x20, 0, 0, 0, 1, 1, 0, 0, 0x10, 0x01])
            == .tooLarge(field: "error", size: 4097, limit: 4096))
    }

    @Test func hostileListCount() {
        // MAILBOX claiming 65535 items with nothing after: refused at the count, before any allocation.
        #expect(error(Self.header + [0x26, 0xFF, 0xFF]) == .tooShort(needed: 0xFFFF * 15, offset: 6))
        // LOGIN-REPLY whose friend list claims 65535 entries.
        #expect(error(Self.header + [0x21, 0, 0, 0, 1, 0xFF, 0xFF]) == .tooShort(needed: 0xFFFF * 3, offset: 10))
        // HISTORY claiming 65535 bodies.
        #expect(error(Self.header + [0x45, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF]) == .tooShort(needed: 0xFFFF * 6, offset: 14))
        // GROUP-UPDATE whose member list claims 65535 entries.
        #expect(error(Self.header + [0x29, 1, 0x67, 1, 0x6F, 0xFF, 0xFF]) == .tooShort(needed: 0xFFFF * 3, offset: 10))
        // A count that fits the bytes left but whose elements are then garbage still fails cleanly.
        let e = error(Self.header + [0x26, 0x00, 0x02] + [UInt8](repeating: 0xFF, count: 28))
        #expect(e != nil)
    }

    @Test func boolMustBeZeroOrOne() throws {
        #expect(error(Self.header + [0x27, 2]) == .invalidValue(field: "known", value: 2))
        #expect(error(Self.header + [0x27, 0xFF]) == .invalidValue(field: "known", value: 255))
        #expect(error(Self.header + [0x05, 0, 0, 0, 1, 1, 0x62, 0x80]) == .invalidValue(field: "accept", value: 128))
        #expect(error(Self.header + [0x20, 0, 0, 0, 1, 2]) == .invalidValue(field: "hasError", value: 2))
        var hello = try WireCodec.encode(.hello(endpoint: "e", ack: 1, sent: 1, isReply: false))
        hello[hello.count - 1] = 3
        #expect(error(hello) == .invalidValue(field: "isReply", value: 3))
    }

    /// Where a group is named, an empty name is refused: on the wire "" is "no group", and a
    /// GROUP-CHAT for no group would otherwise reach the machine as a message of no kind.
    @Test func anEmptyGroupNameIsRefusedWhereAGroupIsNamed() throws {
        // GROUP-CHAT seq=1 group="" body="hi" proof=(none).
        #expect(error(Self.header + [0x46, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0x68, 0x69, 0]) == .emptyGroup(field: "group"))
        // GROUP-DEPOSIT to="b" seq=1 group="" body=() proof=(none).
        #expect(error(Self.header + [0x10, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]) == .emptyGroup(field: "group"))
        // CREATE-GROUP req=1 group="".
        #expect(error(Self.header + [0x0B, 0, 0, 0, 1, 0]) == .emptyGroup(field: "group"))
        // Every other message that names a group, with the name left empty.
        let named: [WireMessage] = [
            .invite(req: 1, group: "", member: "bob"), .joinGroup(req: 1, group: ""), .leaveGroup(req: 1, group: ""),
            .destroyGroup(req: 1, group: ""), .groupInvite(group: "", owner: "alice"), .groupRemoved(group: "", reason: "gone"),
            .groupUpdate(GroupInfo(name: "", owner: "alice", members: [])),
            .loginReply(req: 1, snapshot: LoginSnapshot(groups: [GroupInfo(name: "", owner: "alice", members: [])])),
            .loginReply(req: 1, snapshot: LoginSnapshot(invitations: [GroupInvitation(group: "", owner: "alice")])),
        ]
        for m in named {
            #expect(error(try WireCodec.encode(m)) == .emptyGroup(field: "group"), "\(m.kind.name)")
        }
        #expect(WireError.emptyGroup(field: "group").description == "field 'group' is empty: a group name is never empty")
    }

    @Test func errorsDescribeThemselves() {
        #expect(WireError.badSignature([0x47, 0x45]).description == "bad signature 47 45 (not a conf-chat frame)")
        #expect(WireError.unknownKind(0xFF).description == "unknown message kind 0xff")
        #expect(WireError.tooShort(needed: 2, offset: 6).description == "truncated frame: needed 2 more byte(s) at offset 6")
    }
}
