import ConfChatCore
import Testing

/// Every message kind survives encode -> decode unchanged.
@Suite("Wire codec: round trips")
struct WireCodecRoundTripTests {
    @Test func everyKindHasASample() {
        let covered = Set(WireSamples.all.map(\.kind))
        let missing = MessageKind.allCases.filter { !covered.contains($0) }
        #expect(missing.isEmpty, "no sample in WireSamples.all for \(missing.map(\.name))")
    }

    @Test(arguments: WireSamples.named)
    func roundTrip(_ sample: WireSamples.Sample) throws {
        let message = sample.message
        let bytes = try WireCodec.encode(message)
        #expect(Array(bytes.prefix(4)) == WireCodec.signature + [WireCodec.version, message.kind.rawValue])
        #expect(try WireCodec.decode(bytes) == message)
    }

    @Test func kindNumbersAndNamesArePinned() {
        // These numbers are the protocol (docs/protocol.md). Changing one breaks every deployed node.
        let expected: [(MessageKind, UInt8, String)] = [
            (.register, 0x01, "REGISTER"), (.login, 0x02, "LOGIN"), (.logout, 0x03, "LOGOUT"),
            (.friendRequest, 0x04, "FRIEND-REQUEST"), (.friendAnswer, 0x05, "FRIEND-ANSWER"),
            (.unfriend, 0x06, "UNFRIEND"), (.deposit, 0x07, "DEPOSIT"), (.mailboxAck, 0x08, "MAILBOX-ACK"),
            (.backup, 0x09, "BACKUP"), (.ping, 0x0A, "PING"),
            (.createGroup, 0x0B, "CREATE-GROUP"), (.invite, 0x0C, "INVITE"), (.joinGroup, 0x0D, "JOIN-GROUP"),
            (.leaveGroup, 0x0E, "LEAVE-GROUP"), (.destroyGroup, 0x0F, "DESTROY-GROUP"), (.groupDeposit, 0x10, "GROUP-DEPOSIT"),
            (.mailFetch, 0x11, "MAIL-FETCH"), (.mailDrop, 0x12, "MAIL-DROP"), (.backupFetch, 0x13, "BACKUP-FETCH"),
            (.backups, 0x14, "BACKUPS"),
            (.reply, 0x20, "REPLY"), (.loginReply, 0x21, "LOGIN-REPLY"),
            (.friendRequestNotice, 0x22, "FRIEND-REQUEST-NOTICE"), (.friendAdded, 0x23, "FRIEND-ADDED"),
            (.friendRemoved, 0x24, "FRIEND-REMOVED"), (.depositAck, 0x25, "DEPOSIT-ACK"),
            (.mailbox, 0x26, "MAILBOX"), (.pong, 0x27, "PONG"),
            (.groupInvite, 0x28, "GROUP-INVITE"), (.groupUpdate, 0x29, "GROUP-UPDATE"), (.groupRemoved, 0x2A, "GROUP-REMOVED"),
            (.mailPage, 0x2B, "MAIL-PAGE"), (.depositRefused, 0x2C, "DEPOSIT-REFUSED"), (.mailReturned, 0x2D, "MAIL-RETURNED"),
            (.backupPage, 0x2E, "BACKUP-PAGE"),
            (.hello, 0x40, "HELLO"), (.heartbeat, 0x41, "HEARTBEAT"), (.bye, 0x42, "BYE"),
            (.chat, 0x43, "CHAT"), (.chatAck, 0x44, "CHAT-ACK"), (.history, 0x45, "HISTORY"),
            (.groupChat, 0x46, "GROUP-CHAT"), (.skip, 0x47, "SKIP"),
        ]
        #expect(expected.count == MessageKind.allCases.count)
        for (kind, raw, name) in expected {
            #expect(kind.rawValue == raw, "\(kind)")
            #expect(kind.name == name, "\(kind)")
        }
    }

    @Test func bodiesAreOpaqueBytes() throws {
        // A body that is not UTF-8 is carried as is; only names, endpoints, passwords and errors must be UTF-8.
        let message = WireMessage.chat(seq: 3, body: WireSamples.binary)
        #expect(try WireCodec.decode(try WireCodec.encode(message)) == message)
    }

    @Test("a buffer reused frame after frame holds each frame alone, a short one after a long one")
    func reusedBuffer() throws {
        var buffer: [UInt8] = []
        let long = WireMessage.chat(seq: 1, body: Array(repeating: 7, count: 1_000), proof: Array(repeating: 9, count: 32))
        let short = WireMessage.chatAck(upTo: 5)
        for message in [long, short, long, .hello(endpoint: "inproc://bob", ack: 2, sent: 3, isReply: true)] {
            try WireCodec.encode(message, into: &buffer)
            #expect(buffer == (try WireCodec.encode(message)))
            #expect(try WireCodec.decode(buffer) == message)
        }
    }
}
