/// One unit of a line the lexers walk: a `Character`, or a byte of a line that is all ASCII.
///
/// Why two: columns are counted in user-visible characters, and splitting a line into
/// `Character`s (grapheme breaking) was most of the cost of loading a long scenario. In a
/// line of ASCII bytes each byte is one character (a line holds no CR LF pair, the one
/// ASCII cluster of two), so the bytes give the same tokens, texts and columns; any other
/// line is split into `Character`s as before (`LineLexer.lex(_:)` chooses).
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
}

extension UInt8: LineUnit {
    func isASCII(_ byte: UInt8) -> Bool { self == byte }

    var isWordUnit: Bool {
        let lower = self | 0x20
        return (0x30...0x39).contains(self) || (0x61...0x7A).contains(lower) || "_-.:@/%".utf8.contains(self)
    }

    /// Tab to carriage return, and space.
    var isSpaceUnit: Bool { self == 0x20 || (0x09...0x0D).contains(self) }

    var isASCIIHexDigit: Bool { (0x30...0x39).contains(self) || (0x61...0x66).contains(self | 0x20) }
    var character: Character { Character(Unicode.Scalar(self)) }
    func appendUTF8(to bytes: inout [UInt8]) { bytes.append(self) }
}
