import ConfChatCore
import Testing

/// The encoder refuses a field its length prefix cannot say, with what and how much; it
/// used to cut it, so the frame said less than it held and the receiver could not decode it.
@Suite("Wire codec: refused encodings")
struct WireCodecEncodingTests {
    @Test("a login snapshot with more backup entries than a u16 count says is refused")
    func tooManyBackupEntries() {
        let entry = BackupEntry(peer: "bob", outgoing: true, seq: 1, body: [])
        let snapshot = LoginSnapshot(backup: Array(repeating: entry, count: 65_536))
        #expect(throws: WireEncodingError(kind: "LOGIN-REPLY", field: "list (items)", size: 65_536, limit: 65_535)) {
            try WireCodec.encode(.loginReply(req: 1, snapshot: snapshot))
        }
        // The most a count says still encodes, and decodes as it was.
        let most = LoginSnapshot(backup: Array(repeating: entry, count: 65_535))
        #expect(throws: Never.self) { try WireCodec.encode(.loginReply(req: 1, snapshot: most)) }
    }

    @Test("a name longer than a short string says is refused, not cut to 255 octets")
    func longName() throws {
        let long = String(repeating: "a", count: 256)
        #expect(throws: WireEncodingError(kind: "FRIEND-REQUEST", field: "short string (octets)", size: 256, limit: 255)) {
            try WireCodec.encode(.friendRequest(req: 1, to: long))
        }
        let most = String(repeating: "a", count: 255)
        #expect(try WireCodec.decode(try WireCodec.encode(.friendRequest(req: 1, to: most))) == .friendRequest(req: 1, to: most))
    }

    @Test("a CHAT, written at its size, refuses a proof too long as the writer does, and keeps the buffer's storage")
    func chatProof() throws {
        #expect(throws: WireEncodingError(kind: "CHAT", field: "short byte field (octets)", size: 256, limit: 255)) {
            try WireCodec.encode(.chat(seq: 1, body: [1], proof: [UInt8](repeating: 7, count: 256)))
        }
        // The frame replaces what the buffer held (a longer frame before it).
        var frame = [UInt8](repeating: 9, count: 500)
        let message = WireMessage.chat(seq: 0x0102_0304_0506_0708, body: Array("hi".utf8), proof: [UInt8](repeating: 7, count: 255))
        try WireCodec.encode(message, into: &frame)
        #expect(frame.count == 2 + 2 + 8 + 4 + 2 + 1 + 255)
        #expect(frame.capacity >= 500)
        #expect(try WireCodec.decode(frame) == message)
    }

    @Test("the refusal says what, in which message, and the limit")
    func refusalDescribesItself() {
        let e = WireEncodingError(kind: "CHAT", field: "short byte field (octets)", size: 300, limit: 255)
        #expect(e.description == "cannot encode CHAT: a short byte field (octets) of 300, over the limit of 255 its length prefix can say")
    }
}
