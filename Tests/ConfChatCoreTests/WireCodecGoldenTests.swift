import ConfChatCore
import Testing

/// Exact bytes of a few frames: these pin the format that docs/protocol.md describes, so a
/// change to field order, integer width or byte order fails here even if it round-trips.
@Suite("Wire codec: golden bytes")
struct WireCodecGoldenTests {
    static let header: [UInt8] = [0xC7, 0xA1, 0x01]

    static let cases: [(WireMessage, [UInt8])] = [
        (.heartbeat, header + [0x41]),
        (.bye, header + [0x42]),
        (.ping, header + [0x0A]),
        (.chat(seq: 1, body: Array("hi".utf8)),
         header + [0x43, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0x68, 0x69, 0]),
        (.chat(seq: 1, body: Array("hi".utf8), proof: [0xAB, 0xCD]),
         header + [0x43, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0x68, 0x69, 2, 0xAB, 0xCD]),
        (.friendRequest(req: 0x0102_0304, to: "bob"),
         header + [0x04, 0x01, 0x02, 0x03, 0x04, 3, 0x62, 0x6F, 0x62]),
        (.reply(req: 7, error: nil), header + [0x20, 0, 0, 0, 7, 0]),
        (.reply(req: 7, error: "no"), header + [0x20, 0, 0, 0, 7, 1, 0, 0, 0, 2, 0x6E, 0x6F]),
        (.hello(endpoint: "e", ack: 2, sent: 3, isReply: true),
         header + [0x40, 1, 0x65, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 1]),
        (.deposit(to: "bob", seq: 258, body: [0xFF]),
         header + [0x07, 3, 0x62, 0x6F, 0x62, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1, 0xFF, 0]),
        (.pong(known: false, news: 3), header + [0x27, 0, 0, 0, 0, 3]),
        (.login(req: 2, name: "al", password: "pw", endpoint: "e", wantBackup: true, key: [0x01, 0x02, 0x03]),
         header + [0x02, 0, 0, 0, 2, 2, 0x61, 0x6C, 0, 0, 0, 2, 0x70, 0x77, 1, 0x65, 1, 3, 0x01, 0x02, 0x03]),
        (.loginReply(req: 1, snapshot: LoginSnapshot(
            friends: [FriendInfo(name: "bob", endpoint: "e", online: true, key: [0xAA, 0xBB])],
            requests: ["c"],
            mailbox: [MailItem(from: "b", seq: 1, body: [0x78])],
            backup: [],
            backupMarks: [BackupMark(peer: "b", outgoing: false, seq: 2, held: 1)],
            groups: [GroupInfo(name: "g", owner: "o", members: [FriendInfo(name: "o", endpoint: "", online: false)])],
            invitations: [GroupInvitation(group: "h", owner: "o")],
            mailMarks: [BackupMark(peer: "b", outgoing: true, seq: 4)])),
         header + [0x21, 0, 0, 0, 1]
            + [0, 1, 3, 0x62, 0x6F, 0x62, 1, 0x65, 1, 2, 0xAA, 0xBB]        // friends: count, name, endpoint, online, key
            + [0, 1, 1, 0x63]                                               // requests
            + [0, 1, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x78, 0]  // mailbox: from, seq, group "" (none), body, proof
            + [0, 0]                                                        // backup: empty
            + [0, 1, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1]        // backup marks: peer, outgoing, seq, held
            + [0, 1, 1, 0x67, 1, 0x6F, 0, 1, 1, 0x6F, 0, 0, 0]              // groups: name, owner, members (no key)
            + [0, 1, 1, 0x68, 1, 0x6F]                                      // invitations: group, owner
            + [0, 1, 1, 0x62, 1, 0, 0, 0, 0, 0, 0, 0, 4]                    // mail marks: peer, outgoing, seq
            + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]                          // mail waiting: items, octets
            + [0, 0, 0, 0, 0, 0, 0, 0]),                                    // backup waiting: next, entries
        (.backupFetch(req: 3, from: 258), header + [0x13, 0, 0, 0, 3, 0, 0, 1, 2]),
        (.backupPage(req: 3, waiting: BackupWaiting(next: 259, entries: 2),
                     entries: [BackupEntry(peer: "b", outgoing: false, seq: 1, body: [0x78], proof: [0xEE])]),
         header + [0x2E, 0, 0, 0, 3, 0, 0, 1, 3, 0, 0, 0, 2]                 // req, next, entries waiting
            + [0, 1, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x78, 1, 0xEE]),  // peer, outgoing, seq, group, body, proof
        (.mailFetch(after: "b", seq: 2), header + [0x11, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 2]),
        (.mailDrop(from: "b", seq: 3), header + [0x12, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 3]),
        (.mailPage(waiting: MailWaiting(items: 2, octets: 258), items: [MailItem(from: "b", seq: 1, body: [0x78], proof: [0xEE])]),
         header + [0x2B, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 2, 0, 1, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x78, 1, 0xEE]),
        (.depositRefused(to: "b", seq: 1, reason: "full"),
         header + [0x2C, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0x66, 0x75, 0x6C, 0x6C]),
        (.mailReturned(to: "b", seq: 2), header + [0x2D, 1, 0x62, 0, 0, 0, 0, 0, 0, 0, 2]),
        (.backup(BackupEntry(peer: "b", outgoing: true, seq: 3, body: [0x79], group: "g")),
         header + [0x09, 1, 0x62, 1, 0, 0, 0, 0, 0, 0, 0, 3, 1, 0x67, 0, 0, 0, 1, 0x79, 0]),
        (.backups([BackupEntry(peer: "b", outgoing: true, seq: 3, body: [0x79], group: "g"),
                   BackupEntry(peer: "c", outgoing: false, seq: 4, body: [], proof: [0xEE])]),
         header + [0x14, 0, 2]                                              // count
            + [1, 0x62, 1, 0, 0, 0, 0, 0, 0, 0, 3, 1, 0x67, 0, 0, 0, 1, 0x79, 0]  // as BACKUP's fields
            + [1, 0x63, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 1, 0xEE]),
        (.groupChat(seq: 1, group: "g", body: [0x78]),
         header + [0x46, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x67, 0, 0, 0, 1, 0x78, 0]),
        (.history(first: 5, items: [HistoryItem(group: nil, body: [0x61], proof: [0x01]), HistoryItem(group: "g", body: [])]),
         header + [0x45, 0, 0, 0, 0, 0, 0, 0, 5, 0, 2, 0, 0, 0, 0, 1, 0x61, 1, 0x01, 1, 0x67, 0, 0, 0, 0, 0]),
    ]

    @Test func encodesToExactBytes() throws {
        for (message, bytes) in Self.cases {
            #expect(try WireCodec.encode(message) == bytes, "\(message.kind.name)")
        }
    }

    @Test func decodesExactBytes() throws {
        for (message, bytes) in Self.cases {
            #expect(try WireCodec.decode(bytes) == message, "\(message.kind.name)")
        }
    }

    @Test func anEmptyGroupNameMeansNone() throws {
        // Optional groups travel as a short string, empty for none, so `group: ""` comes back as nil.
        // Group names are validated (never empty), so no real message is changed by this.
        let sent = WireMessage.mailbox([MailItem(from: "a", seq: 1, body: [], group: "")])
        #expect(try WireCodec.decode(try WireCodec.encode(sent)) == .mailbox([MailItem(from: "a", seq: 1, body: [], group: nil)]))
    }

    @Test func limits() {
        #expect(WireCodec.signature == [0xC7, 0xA1])
        #expect(WireCodec.version == 1)
        #expect(WireCodec.maxBodySize == 65_536)
        #expect(WireCodec.maxStoredBodySize == 65_600)
        #expect(WireCodec.maxPasswordSize == 1_024)
        #expect(WireCodec.maxFrameSize == 8 * 1_024 * 1_024)
    }
}
