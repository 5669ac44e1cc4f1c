/// The bytes of the run log (`RunLog`): little-endian integers and length-prefixed fields,
/// written and read by this process only, so nothing here is a wire format: it may change
/// with any version (a run's log never outlives the run's folder).
package struct LogEncoder {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func data(_ b: [UInt8]) {
        u32(UInt32(b.count))
        bytes.append(contentsOf: b)
    }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
    /// nil as 0xFFFF_FFFF, which no field's length reaches.
    mutating func optionalString(_ s: String?) {
        guard let s else { return u32(.max) }
        string(s)
    }
}

/// Reads what `LogEncoder` wrote; a record cut short or garbled is a `RunLogError`, never a trap.
package struct LogDecoder {
    private let bytes: ArraySlice<UInt8>
    private var at: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        at = bytes.startIndex
    }

    var isAtEnd: Bool { at == bytes.endIndex }
    /// How many bytes are read.
    var offset: Int { at - bytes.startIndex }

    private mutating func take(_ n: Int) throws(RunLogError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.endIndex - at else { throw .corrupt("a field runs past the end of its record") }
        defer { at += n }
        return bytes[at..<at + n]
    }

    mutating func u8() throws(RunLogError) -> UInt8 { try take(1).first! }
    mutating func bool() throws(RunLogError) -> Bool { try u8() != 0 }
    mutating func u32() throws(RunLogError) -> UInt32 { try integer() }
    mutating func u64() throws(RunLogError) -> UInt64 { try integer() }

    /// A little-endian integer, read in place (no slice made of its bytes: the checkpoint
    /// reads several a mutation).
    private mutating func integer<T: FixedWidthInteger & UnsignedInteger>() throws(RunLogError) -> T {
        let n = MemoryLayout<T>.size
        guard n <= bytes.endIndex - at else { throw .corrupt("a field runs past the end of its record") }
        var v: T = 0
        for i in stride(from: at + n - 1, through: at, by: -1) { v = v << 8 | T(bytes[i]) }
        at += n
        return v
    }
    mutating func data() throws(RunLogError) -> [UInt8] { Array(try slice()) }
    /// A length-prefixed field as a slice of the bytes read, not a copy.
    mutating func slice() throws(RunLogError) -> ArraySlice<UInt8> { try take(Int(try u32())) }
    mutating func string() throws(RunLogError) -> String { String(decoding: try take(Int(try u32())), as: UTF8.self) }
    mutating func optionalString() throws(RunLogError) -> String? {
        let n = try u32()
        guard n != .max else { return nil }
        return String(decoding: try take(Int(n)), as: UTF8.self)
    }
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
