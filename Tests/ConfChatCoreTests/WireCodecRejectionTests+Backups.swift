import ConfChatCore
import Testing

/// BACKUPS against hostile bytes: every bound (protocol.md 7) is a clear decode error.
extension WireCodecRejectionTests {
    static let backupsHeader: [UInt8] = header + [0x14]

    func entry(_ seq: UInt64, body: [UInt8] = [1]) -> BackupEntry {
        BackupEntry(peer: "bob", outgoing: true, seq: seq, body: body)
    }

    @Test("an empty list, a count beyond the bound, a truncated entry and an oversized frame are decode errors")
    func hostileFrames() throws {
        #expect(error(Self.backupsHeader + [0, 0]) == .invalidValue(field: "entries", value: 0))
        let over = WireCodec.maxBackupsEntries + 1
        let overEntries = Array(try WireCodec.encode(.backup(entry(1))).dropFirst(4))
        #expect(error(Self.backupsHeader + [UInt8(over >> 8), UInt8(over & 0xFF)]
                      + Array([[UInt8]](repeating: overEntries, count: over).joined()))
            == .tooLarge(field: "entries", size: over, limit: WireCodec.maxBackupsEntries))
        // Two entries announced, one and a half sent: cut inside the second entry's body.
        let two = try WireCodec.encode(.backups([entry(1), entry(2, body: [1, 2, 3, 4])]))
        let cut = error(Array(two.dropLast(3)))
        if case .tooShort = cut {} else { Issue.record("a truncated entry: \(String(describing: cut))") }
        // A count the bytes cannot hold is refused before anything is read.
        #expect(error(Self.backupsHeader + [0xFF, 0xFF]) == .tooShort(needed: 0xFFFF * 16, offset: 6))
        // A frame larger than any request, whatever it claims.
        let big = [UInt8](repeating: 0, count: WireCodec.maxRequestFrameSize + 1 - Self.backupsHeader.count)
        #expect(error(Self.backupsHeader + big)
            == .tooLarge(field: "BACKUPS frame", size: WireCodec.maxRequestFrameSize + 1, limit: WireCodec.maxRequestFrameSize))
    }

    @Test("the encoder refuses a BACKUPS of no entry or of more than the bound")
    func encoderRefusesOutOfBounds() {
        #expect(throws: WireEncodingError.self) { try WireCodec.encode(.backups([])) }
        let many = (1...UInt64(WireCodec.maxBackupsEntries + 1)).map { entry($0) }
        #expect(throws: WireEncodingError.self) { try WireCodec.encode(.backups(many)) }
        #expect(throws: Never.self) { try WireCodec.encode(.backups(Array(many.dropLast()))) }
    }
}
