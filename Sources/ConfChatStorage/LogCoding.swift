/// The bytes of the run log (`RunLog`): little-endian integers and length-prefixed fields,
/// written and read by this process only, so nothing here is a wire format: it may change
/// with any version (a run's log never outlives the run's folder).
///
/// Written into an array grown ahead of the bytes (what lies past `count` is not in use) and
/// stored to in place: appending to the array (`append(contentsOf:)` of an integer's bytes or a string's)
/// went through the standard library's generic append, about 100 instructions a field, 19 M
/// of the 10,000-statement scenario's 24,000 commits. The array is still a value: a slice of
/// it handed out (`slice`) is its own, copied at the next write if still held.
package struct LogEncoder {
    /// The bytes written, then room: zeros, or bytes written before a `truncate`.
    private var storage: [UInt8] = []
    /// How many bytes are written.
    private(set) var count = 0

    /// The bytes written (a copy: for the tests, and what is small).
    var bytes: [UInt8] { Array(storage[..<count]) }
    var isEmpty: Bool { count == 0 }

    /// The written bytes in `range`, sharing the encoder's storage.
    func slice(_ range: Range<Int>) -> ArraySlice<UInt8> {
        precondition(range.upperBound <= count, "a slice past the bytes written")
        return storage[range]
    }

    /// The written bytes, lent to `body`.
    func withBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        let result: Result<T, E> = storage.withUnsafeBytes { raw in
            do throws(E) { return .success(try body(UnsafeRawBufferPointer(rebasing: raw[..<count]))) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Forgets the bytes from `offset` on, keeping the storage.
    mutating func truncate(to offset: Int) {
        precondition(offset <= count, "a truncation past the bytes written")
        count = offset
    }

    /// Room for `n` more bytes, at `count`.
    private mutating func reserve(_ n: Int) {
        guard count + n > storage.count else { return }
        storage.append(contentsOf: repeatElement(0, count: max(count + n, 2 * storage.count, 4096) - storage.count))
    }

    /// Stores `v`'s bytes at `offset`, which the storage holds.
    private mutating func store<T: FixedWidthInteger>(_ v: T, at offset: Int) {
        storage.withUnsafeMutableBytes { $0.storeBytes(of: v.littleEndian, toByteOffset: offset, as: T.self) }
    }

    private mutating func integer<T: FixedWidthInteger>(_ v: T) {
        reserve(MemoryLayout<T>.size)
        store(v, at: count)
        count += MemoryLayout<T>.size
    }

    private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let from = bytes.baseAddress {
            let at = count
            storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: from, byteCount: bytes.count) }
        }
        count += bytes.count
    }

    mutating func u8(_ v: UInt8) { integer(v) }
    mutating func bool(_ v: Bool) { integer(UInt8(v ? 1 : 0)) }
    mutating func u32(_ v: UInt32) { integer(v) }
    mutating func u64(_ v: UInt64) { integer(v) }
    /// Writes `v` over the four bytes at `offset` (a length or count known only afterwards).
    mutating func u32(_ v: UInt32, at offset: Int) {
        precondition(offset + 4 <= count, "a field past the bytes written")
        store(v, at: offset)
    }
    mutating func data(_ b: [UInt8]) {
        u32(UInt32(b.count))
        b.withUnsafeBytes { raw($0) }
    }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            raw(UnsafeRawBufferPointer(utf8))
        }
    }
    /// nil as 0xFFFF_FFFF, which no field's length reaches.
    mutating func optionalString(_ s: String?) {
        guard let s else { return u32(.max) }
        string(s)
    }
}

/// Reads what `LogEncoder` wrote, borrowing: it reads the bytes where they lie (a record in
/// the buffer the applier read from the log's file), and a field is handed out as those bytes
/// (`field`), so that the checkpoint can bind a row's text and blobs without a copy
/// (`SQLitePeerStore.apply(records:)`); `string` and `data` copy a field out for the values
/// the machine applies. A record cut short or garbled is a `RunLogError`, never a trap: every
/// read checks that it stays within the bytes.
///
/// The bytes must outlive the decoder and every field it handed out: make it inside the
/// buffer's `withUnsafeBytes` (`LogDecoder.reading`).
package struct LogDecoder {
    private let bytes: UnsafeRawBufferPointer
    private var at = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Decodes `bytes` with `body`, the decoder valid inside it only.
    static func reading<T, E: Error>(_ bytes: ArraySlice<UInt8>, _ body: (inout LogDecoder) throws(E) -> T) throws(E) -> T {
        let result: Result<T, E> = bytes.withUnsafeBytes { raw in
            var d = LogDecoder(raw)
            do throws(E) { return .success(try body(&d)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    var isAtEnd: Bool { at == bytes.count }
    /// How many bytes are read.
    var offset: Int { at }

    /// The next `n` bytes' offsets.
    private mutating func take(_ n: Int) throws(RunLogError) -> Range<Int> {
        guard n >= 0, n <= bytes.count - at else { throw .corrupt("a field runs past the end of its record") }
        defer { at += n }
        return at..<at + n
    }

    mutating func u8() throws(RunLogError) -> UInt8 { bytes[try take(1).lowerBound] }
    mutating func bool() throws(RunLogError) -> Bool { try u8() != 0 }
    mutating func u32() throws(RunLogError) -> UInt32 { try integer() }
    mutating func u64() throws(RunLogError) -> UInt64 { try integer() }

    /// A little-endian integer, read in place.
    private mutating func integer<T: FixedWidthInteger & UnsignedInteger>() throws(RunLogError) -> T {
        let r = try take(MemoryLayout<T>.size)
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: r.lowerBound, as: T.self))
    }

    /// Where the next length-prefixed field's bytes are, as offsets into the bytes read.
    mutating func fieldRange() throws(RunLogError) -> Range<Int> { try take(Int(try u32())) }
    /// A length-prefixed field: its bytes where they lie, not a copy.
    mutating func field() throws(RunLogError) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[try fieldRange()]) }
    /// An optional length-prefixed field (`LogEncoder.optionalString`): nil, or its bytes where they lie.
    mutating func optionalField() throws(RunLogError) -> UnsafeRawBufferPointer? {
        let n = try u32()
        guard n != .max else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[try take(Int(n))])
    }
    mutating func data() throws(RunLogError) -> [UInt8] { Array(try field()) }
    mutating func string() throws(RunLogError) -> String { String(decoding: try field(), as: UTF8.self) }
    mutating func optionalString() throws(RunLogError) -> String? { try optionalField().map { String(decoding: $0, as: UTF8.self) } }
}

/// Why the run log could not be written or read back.
public enum RunLogError: Error, CustomStringConvertible {
    case io(String, reason: String)
    case corrupt(String)

    public var description: String {
        switch self {
        case let .io(path, reason): "run log \(path): \(reason)"
        case let .corrupt(reason): "run log: \(reason)"
        }
    }
}
