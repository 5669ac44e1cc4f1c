/// Appends big-endian integers and length-prefixed fields to a byte buffer.
///
/// Hand-written rather than Codable: a JSONEncoder round trip costs about 8 us a message,
/// more than libzmq itself (docs/guarantees.md, reference figures), and this writer does a few appends.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xFF)) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((v >> UInt64(s)) & 0xFF)) } }

    /// A short string: u8 length, then UTF-8. Names and endpoints; callers keep them under 256 bytes.
    mutating func shortString(_ s: String) {
        let utf8 = Array(s.utf8.prefix(255))
        u8(UInt8(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// A long field: u32 length, then the bytes. Message bodies and passwords.
    mutating func longBytes(_ b: [UInt8]) {
        u32(UInt32(b.count))
        bytes.append(contentsOf: b)
    }

    /// A short byte field: u8 length, then the bytes (keys).
    mutating func shortBytes(_ b: [UInt8]) {
        u8(UInt8(min(b.count, 255)))
        bytes.append(contentsOf: b.prefix(255))
    }

    mutating func longString(_ s: String) { longBytes(Array(s.utf8)) }

    /// A list count: u16.
    mutating func count(_ n: Int) { u16(UInt16(clamping: n)) }
}
