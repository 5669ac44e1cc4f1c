/// Reads what `ByteWriter` wrote, checking every length against what is left.
///
/// Each read throws `WireError` instead of trapping, so truncated or garbage frames from the
/// network end as an error in the log, never as a crash of the node.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    /// Where endpoints and keys are shared (`WireInterner`), nil to keep each as decoded.
    private let interner: WireInterner?

    init(_ bytes: [UInt8], interner: WireInterner? = nil) {
        self.bytes = bytes
        self.interner = interner
    }

    /// An endpoint: a short string, shared through the interner when there is one.
    mutating func endpoint() throws(WireError) -> String {
        let text = try shortString("endpoint")
        return interner?.intern(text) ?? text
    }

    /// A public key: short bytes, shared through the interner when there is one.
    mutating func key() throws(WireError) -> [UInt8] {
        let bytes = try shortBytes()
        return interner?.intern(bytes) ?? bytes
    }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws(WireError) -> ArraySlice<UInt8> {
        guard n <= remaining else { throw .tooShort(needed: n - remaining, offset: offset) }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func u8() throws(WireError) -> UInt8 { try take(1).first! }

    mutating func bool(_ field: String) throws(WireError) -> Bool {
        let v = try u8()
        guard v <= 1 else { throw .invalidValue(field: field, value: Int(v)) }
        return v == 1
    }

    mutating func u16() throws(WireError) -> UInt16 {
        let s = try take(2)
        return UInt16(s[s.startIndex]) << 8 | UInt16(s[s.startIndex + 1])
    }

    mutating func u32() throws(WireError) -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64() throws(WireError) -> UInt64 {
        try take(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func shortString(_ field: String) throws(WireError) -> String {
        let n = Int(try u8())
        guard let str = Self.utf8(try take(n)) else { throw .invalidUTF8(field: field) }
        return str
    }

    /// The text `bytes` spell, nil unless they are valid UTF-8. ASCII (every name and most
    /// texts) is valid as it stands and is decoded without `String(validating:)`, which
    /// looks up generic type metadata at every call (about as much work as the rest of
    /// decoding a name); anything else is validated in full.
    private static func utf8(_ bytes: ArraySlice<UInt8>) -> String? {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// A group name where a group is named (not optional): never empty, since an empty short
    /// string is how an optional group says "none" (protocol.md 3).
    mutating func groupName(_ field: String = "group") throws(WireError) -> String {
        let name = try shortString(field)
        guard !name.isEmpty else { throw .emptyGroup(field: field) }
        return name
    }

    /// An optional group: empty for none.
    mutating func optionalGroup() throws(WireError) -> String? {
        let name = try shortString("group")
        return name.isEmpty ? nil : name
    }

    mutating func shortBytes() throws(WireError) -> [UInt8] {
        let n = Int(try u8())
        return Array(try take(n))
    }

    mutating func longBytes(_ field: String, limit: Int) throws(WireError) -> [UInt8] {
        let n = Int(try u32())
        guard n <= limit else { throw .tooLarge(field: field, size: n, limit: limit) }
        return Array(try take(n))
    }

    mutating func longString(_ field: String, limit: Int) throws(WireError) -> String {
        let b = try longBytes(field, limit: limit)
        guard let str = Self.utf8(b[...]) else { throw .invalidUTF8(field: field) }
        return str
    }

    /// A list count, refusing counts that could not possibly fit in what is left
    /// (each element takes at least `minElementSize` bytes), so a hostile count cannot
    /// make the decoder reserve memory it will never fill.
    mutating func count(minElementSize: Int) throws(WireError) -> Int {
        let n = Int(try u16())
        guard n * minElementSize <= remaining else { throw .tooShort(needed: n * minElementSize - remaining, offset: offset) }
        return n
    }
}
