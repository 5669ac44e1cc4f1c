@testable import ConfChatStorage
import Testing

/// The log's encoder writes into storage grown ahead of its bytes (`LogEncoder`): what it
/// hands out must be exactly the bytes written, little-endian, however the storage grew, and a
/// slice handed out must keep its bytes whatever is written after it.
@Suite struct LogEncoderTests {
    @Test("integers and fields are written little-endian, length-prefixed, across the storage's growth")
    func bytesAcrossGrowth() throws {
        var e = LogEncoder()
        var expected: [UInt8] = []
        for i in 0..<3_000 {
            e.u8(UInt8(i & 0xFF)); expected.append(UInt8(i & 0xFF))
            e.u32(UInt32(i) &* 0x0102_0304); expected += withUnsafeBytes(of: (UInt32(i) &* 0x0102_0304).littleEndian, Array.init)
            e.u64(UInt64(i) << 40 | 7); expected += withUnsafeBytes(of: (UInt64(i) << 40 | 7).littleEndian, Array.init)
            let text = String(repeating: "é", count: i % 7)
            e.string(text); expected += withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian, Array.init) + Array(text.utf8)
            e.data([9, 8, 7]); expected += [3, 0, 0, 0, 9, 8, 7]
            e.optionalString(nil); expected += [0xFF, 0xFF, 0xFF, 0xFF]
            e.bool(i % 2 == 0); expected.append(i % 2 == 0 ? 1 : 0)
        }
        #expect(e.count == expected.count)
        #expect(e.bytes == expected)
        #expect(e.withBytes { Array($0) } == expected)
        e.u32(0xDEAD_BEEF, at: 1)
        expected.replaceSubrange(1..<5, with: [0xEF, 0xBE, 0xAD, 0xDE])
        #expect(e.bytes == expected)
        let decoded = try LogDecoder.reading(e.slice(0..<e.count)) { d throws(RunLogError) in
            (try d.u8(), try d.u32(), try d.u64())
        }
        #expect(decoded == (0, 0xDEAD_BEEF, 7))
    }

    @Test("a slice handed out keeps its bytes through a truncation and the writes after it")
    func sliceKeepsItsBytes() {
        var e = LogEncoder()
        e.u32(1); e.u32(2)
        let held = e.slice(4..<8)
        e.truncate(to: 0)
        #expect(e.isEmpty)
        for i in 0..<5_000 { e.u32(UInt32(i)) }
        #expect(Array(held) == [2, 0, 0, 0])
        #expect(e.count == 20_000)
        #expect(Array(e.slice(19_996..<20_000)) == [0x87, 0x13, 0, 0])
    }

    @Test("fields decode to the bytes and text written: empty ones, and bytes that are not UTF-8 repaired as String(decoding:) does")
    func fieldsDecodeAsWritten() throws {
        var e = LogEncoder()
        let texts = ["", "alice", String(repeating: "x", count: 300), "é✓"]
        for t in texts { e.string(t) }
        e.data([]); e.data([0, 255, 7]); e.optionalString(nil); e.optionalString("team")
        e.data([0x41, 0xFF, 0x42])  // read back as a string below: not UTF-8
        let read = try LogDecoder.reading(e.slice(0..<e.count)) { d throws(RunLogError) in
            (try texts.map { _ throws(RunLogError) in try d.string() }, try d.data(), try d.data(), try d.optionalString(),
             try d.optionalString(), try d.string(), d.isAtEnd)
        }
        #expect(read.0 == texts)
        #expect(read.1 == [] && read.2 == [0, 255, 7])
        #expect(read.3 == nil && read.4 == "team")
        #expect(read.5 == String(decoding: [0x41, 0xFF, 0x42] as [UInt8], as: UTF8.self))
        #expect(read.6)
    }
}
