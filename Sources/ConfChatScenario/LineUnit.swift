/// One unit of a line the lexers walk: a `Character`, or a byte of a line that is all ASCII.
///
/// Why two: columns are counted in user-visible characters, and splitting a line into
/// `Character`s (grapheme breaking) was most of the cost of loading a long scenario. In a
/// line of ASCII bytes each byte is one character (a line holds no CR LF pair, the one
/// ASCII cluster of two), so the bytes give the same tokens, texts and columns; any other
/// line is split into `Character`s as before (`LexedLine(lexing:)` chooses).
protocol LineUnit: Equatable, Sendable {
    /// The unit is exactly this ASCII character.
    func isASCII(_ byte: UInt8) -> Bool
    /// Letters, digits and `_ - . : @ / %` (`%` for the percentages of `network loss 5%`):
    /// what a word of the scenario language holds.
    var isWordUnit: Bool { get }
    /// White space between tokens.
    var isSpaceUnit: Bool { get }
    /// An ASCII hex digit, as `\u{...}` takes.
    var isASCIIHexDigit: Bool { get }
    /// The unit as a character, for error messages.
    var character: Character { get }
    /// Appends the unit's UTF-8 bytes.
    func appendUTF8(to bytes: inout [UInt8])
    /// The units as one string (a token's text, a line's).
    static func text(_ units: ArraySlice<Self>) -> String
}

extension Character: LineUnit {
    func isASCII(_ byte: UInt8) -> Bool { self == Character(Unicode.Scalar(byte)) }

    /// ASCII is decided by its byte, without looking up Unicode properties (a scenario is
    /// mostly ASCII, and every character of it is asked).
    var isWordUnit: Bool {
        guard let byte = asciiValue else { return isLetter || isNumber }
        return byte.isWordUnit
    }

    var isSpaceUnit: Bool {
        guard let byte = asciiValue else { return isWhitespace }
        return byte.isSpaceUnit
    }

    var isASCIIHexDigit: Bool { isHexDigit && isASCII }
    var character: Character { self }
    func appendUTF8(to bytes: inout [UInt8]) { bytes.append(contentsOf: utf8) }

    /// Made from the characters' UTF-8 bytes: `String(characters)` appends them one by one,
    /// checking the grapheme boundary at each.
    static func text(_ units: ArraySlice<Character>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.count)
        for u in units { u.appendUTF8(to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UInt8: LineUnit {
    func isASCII(_ byte: UInt8) -> Bool { self == byte }

    /// A switch, not a search of `"_-.:@/%".utf8`: every byte of a scenario is asked.
    var isWordUnit: Bool {
        switch self {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"),
             UInt8(ascii: "/"), UInt8(ascii: "%"): true
        default: false
        }
    }

    /// Tab to carriage return, and space.
    var isSpaceUnit: Bool { self == 0x20 || (0x09...0x0D).contains(self) }

    var isASCIIHexDigit: Bool { (0x30...0x39).contains(self) || (0x61...0x66).contains(self | 0x20) }
    var character: Character { Character(Unicode.Scalar(self)) }
    func appendUTF8(to bytes: inout [UInt8]) { bytes.append(self) }
    /// The bytes are the text's UTF-8: decoded where they lie, no array made first.
    static func text(_ units: ArraySlice<UInt8>) -> String { String(decoding: units, as: UTF8.self) }
}
