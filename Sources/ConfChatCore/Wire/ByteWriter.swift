/// Appends big-endian integers and length-prefixed fields to a byte buffer.
///
/// Hand-written rather than Codable: a JSONEncoder round trip costs about 8 us a message,
/// more than libzmq itself (docs/guarantees.md, reference figures), and this writer does a few appends.
/// A field longer than its length prefix can say is refused (`WireEncodingError`), never cut.
struct ByteWriter {
    var bytes: [UInt8] = []
    /// What is being encoded, for errors.
    let kind: String

    /// 256 octets at first: a CHAT or a BACKUP entry (a proof of 32, an encrypted body of 40
    /// and more) outgrew 64, and growing copies the frame.
    init(kind: String, capacity: Int = 256) {
        self.kind = kind
        bytes.reserveCapacity(capacity)
    }

    /// Writes into `buffer`'s storage, emptied (the caller takes `bytes` back when done).
    init(kind: String, reusing buffer: inout [UInt8]) {
        self.kind = kind
        swap(&bytes, &buffer)
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(256)
    }

    /// Writes after what `buffer` holds, in its storage (the caller takes `bytes` back when
    /// done): a record of several frames, built in one buffer.
    init(kind: String, appendingTo buffer: inout [UInt8]) {
        self.kind = kind
        swap(&bytes, &buffer)
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xFF)) }
    // Big-endian, appended at once (byte by byte, each append checked the capacity).
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }

    private func check(_ size: Int, _ limit: Int, _ field: String) throws(WireEncodingError) {
        if size > limit { throw WireEncodingError(kind: kind, field: field, size: size, limit: limit) }
    }

    /// A short string: u8 length, then UTF-8. Names, groups and endpoints.
    /// Written from the string's own UTF-8, not through an array of it (an allocation, a
    /// copy and a free for each name written), and from its storage where it has one (every
    /// native string; a small one's octets lie in the value itself): appending the view went
    /// through its generic copy (`copyUTF8`, a retain and a release of the string).
    mutating func shortString(_ s: String) throws(WireEncodingError) {
        let utf8 = s.utf8
        try check(utf8.count, 255, "short string (octets)")
        u8(UInt8(utf8.count))
        if utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: utf8) }
    }

    /// A long field: u32 length, then the bytes. Message bodies and passwords.
    mutating func longBytes(_ b: [UInt8]) throws(WireEncodingError) {
        try check(b.count, Int(UInt32.max), "long field (octets)")
        u32(UInt32(b.count))
        bytes.append(contentsOf: b)
    }

    /// A short byte field: u8 length, then the bytes (keys, proofs).
    mutating func shortBytes(_ b: [UInt8]) throws(WireEncodingError) {
        try check(b.count, 255, "short byte field (octets)")
        u8(UInt8(b.count))
        bytes.append(contentsOf: b)
    }

    mutating func longString(_ s: String) throws(WireEncodingError) { try longBytes(Array(s.utf8)) }

    /// A list count: u16.
    mutating func count(_ n: Int) throws(WireEncodingError) {
        try check(n, Int(UInt16.max), "list (items)")
        u16(UInt16(n))
    }
}
