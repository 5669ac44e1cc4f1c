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

    /// Where the next `n` octets begin, once checked against what is left; the offset moves
    /// past them. Every read takes its octets where they lie in the frame: through an
    /// `ArraySlice` each read retained and released the frame, and an array made of a slice
    /// went through the standard library's generic copy (a dynamic cast at each call).
    private mutating func advance(_ n: Int) throws(WireError) -> Int {
        guard n <= remaining else { throw .tooShort(needed: n - remaining, offset: offset) }
        defer { offset += n }
        return offset
    }

    mutating func u8() throws(WireError) -> UInt8 { bytes[try advance(1)] }

    mutating func bool(_ field: String) throws(WireError) -> Bool {
        let v = try u8()
        guard v <= 1 else { throw .invalidValue(field: field, value: Int(v)) }
        return v == 1
    }

    mutating func u16() throws(WireError) -> UInt16 { UInt16(bigEndian: try load(UInt16.self)) }

    mutating func u32() throws(WireError) -> UInt32 { UInt32(bigEndian: try load(UInt32.self)) }

    mutating func u64() throws(WireError) -> UInt64 { UInt64(bigEndian: try load(UInt64.self)) }

    /// The next `T`'s octets as they lie (big-endian on the wire: the caller converts).
    private mutating func load<T: FixedWidthInteger>(_: T.Type) throws(WireError) -> T {
        let at = try advance(MemoryLayout<T>.size)
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
    }

    /// The next `n` octets, copied once into an array of their own (none for an empty field:
    /// the empty array).
    private mutating func octets(_ n: Int) throws(WireError) -> [UInt8] {
        let at = try advance(n)
        if n == 0 { return [] }
        return bytes.withUnsafeBufferPointer { Array(UnsafeBufferPointer(rebasing: $0[at..<at + n])) }
    }

    mutating func shortString(_ field: String) throws(WireError) -> String {
        let n = Int(try u8())
        let at = try advance(n)
        let text = bytes.withUnsafeBufferPointer { Self.utf8(UnsafeBufferPointer(rebasing: $0[at..<at + n])) }
        guard let text else { throw .invalidUTF8(field: field) }
        return text
    }

    /// The text `bytes` spell, nil unless they are valid UTF-8. ASCII (every name and most
    /// texts) is valid as it stands and is decoded without `String(validating:)`, which
    /// looks up generic type metadata at every call (about as much work as the rest of
    /// decoding a name); anything else is validated in full.
    private static func utf8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
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

    mutating func shortBytes() throws(WireError) -> [UInt8] { try octets(Int(try u8())) }

    mutating func longBytes(_ field: String, limit: Int) throws(WireError) -> [UInt8] {
        let n = Int(try u32())
        guard n <= limit else { throw .tooLarge(field: field, size: n, limit: limit) }
        return try octets(n)
    }

    mutating func longString(_ field: String, limit: Int) throws(WireError) -> String {
        let b = try longBytes(field, limit: limit)
        guard let str = b.withUnsafeBufferPointer(Self.utf8) else { throw .invalidUTF8(field: field) }
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
