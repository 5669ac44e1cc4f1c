/// Why a frame could not be decoded. Every decoding failure is one of these, never a crash:
/// the bytes come from the network and may be hostile.
public enum WireError: Error, Hashable, Sendable, CustomStringConvertible {
    case tooShort(needed: Int, offset: Int)
    case badSignature([UInt8])
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    case invalidUTF8(field: String)
    case tooLarge(field: String, size: Int, limit: Int)
    case trailingBytes(Int)
    case invalidValue(field: String, value: Int)
    /// A group name that is empty. A group name never is: where a group is optional, empty
    /// means "no group", so an empty name where a group is named says nothing.
    case emptyGroup(field: String)

    public var description: String {
        switch self {
        case let .tooShort(needed, offset): "truncated frame: needed \(needed) more byte(s) at offset \(offset)"
        case let .badSignature(bytes): "bad signature \(bytes.map { String($0, radix: 16) }.joined(separator: " ")) (not a conf-chat frame)"
        case let .unsupportedVersion(v): "unsupported protocol version \(v)"
        case let .unknownKind(k): "unknown message kind 0x\(String(k, radix: 16))"
        case let .invalidUTF8(field): "field '\(field)' is not valid UTF-8"
        case let .tooLarge(field, size, limit): "field '\(field)' is \(size) bytes, over the limit of \(limit)"
        case let .trailingBytes(n): "\(n) unexpected byte(s) after the message"
        case let .invalidValue(field, value): "field '\(field)' has invalid value \(value)"
        case let .emptyGroup(field): "field '\(field)' is empty: a group name is never empty"
        }
    }
}
