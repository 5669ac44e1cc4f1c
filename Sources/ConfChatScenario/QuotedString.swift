/// The quoted strings of the language, `"..."` with the escapes `\" \\ \n \t \u{HEX}`,
/// decoded in this one place for the scenario lexer and the prompt, so a text typed at the
/// prompt means what it means in a scenario file.
public enum QuotedString {
    /// What is wrong with a quoted string; each lexer says it with its own position.
    public struct Failure: Error, Equatable, Sendable {
        public enum Kind: Equatable, Sendable {
            /// No closing quote before the end of the line.
            case unterminated
            /// A backslash with a letter that is not an escape, or a malformed `\u{...}`.
            case badEscape
        }

        public var kind: Kind
        /// The offset in the line of the backslash of a bad escape (the opening quote for an
        /// unterminated string).
        public var offset: Int
        public var message: String
    }

    /// Decodes the string whose opening quote is at `opening`; returns its value and the
    /// offset just past its closing quote.
    public static func decode(_ characters: [Character], opening: Int) throws(Failure) -> (value: String, end: Int) {
        try decode(units: characters, opening: opening)
    }

    /// The same over a line's units: its `Character`s, or the bytes of a line of ASCII
    /// (`LineUnit`), where offsets are the same.
    static func decode<Unit: LineUnit>(units characters: [Unit], opening: Int) throws(Failure) -> (value: String, end: Int) {
        var index = opening + 1
        // Most strings hold no escape: up to the first backslash, the value is the units as
        // they are, made a `String` at once where the closing quote comes first.
        while index < characters.count, !characters[index].isASCII(UInt8(ascii: "\\")) {
            if characters[index].isASCII(UInt8(ascii: "\"")) { return (Unit.text(characters[(opening + 1)..<index]), index + 1) }
            index += 1
        }
        // UTF-8 bytes, made a `String` once: appending `Character`s to a `String` checks the
        // grapheme boundary at every append, most of the cost of loading a long scenario.
        var value: [UInt8] = []
        for character in characters[(opening + 1)..<index] { character.appendUTF8(to: &value) }
        while index < characters.count {
            let character = characters[index]
            if character.isASCII(UInt8(ascii: "\"")) { return (String(decoding: value, as: UTF8.self), index + 1) }
            if character.isASCII(UInt8(ascii: "\\")) {
                // A backslash at the end of the line escapes nothing and leaves the string open.
                guard index + 1 < characters.count else { break }
                value.append(contentsOf: try escape(characters, backslash: index, end: &index).utf8)
            } else {
                character.appendUTF8(to: &value)
                index += 1
            }
        }
        throw Failure(kind: .unterminated, offset: opening, message: "unterminated string")
    }

    /// Decodes the escape whose backslash is at `backslash`; `end` becomes the offset past it.
    private static func escape<Unit: LineUnit>(_ characters: [Unit], backslash: Int, end: inout Int) throws(Failure) -> String {
        let letter = characters[backslash + 1].character
        end = backslash + 2
        switch letter {
        case "\"": return "\""
        case "\\": return "\\"
        case "n": return "\n"
        case "t": return "\t"
        case "u": return try unicode(characters, backslash: backslash, end: &end)
        default:
            throw Failure(kind: .badEscape, offset: backslash,
                          message: "bad escape '\\\(letter)' (allowed: \\\" \\\\ \\n \\t \\u{HEX})")
        }
    }

    /// Decodes the `{HEX}` of `\u{HEX}`: 1 to 8 hex digits naming a Unicode scalar.
    private static func unicode<Unit: LineUnit>(_ characters: [Unit], backslash: Int, end index: inout Int) throws(Failure) -> String {
        let malformed = Failure(kind: .badEscape, offset: backslash,
                                message: "bad escape: '\\u' must be followed by '{', 1 to 8 hex digits and '}', as in \\u{1F600}")
        guard index < characters.count, characters[index].isASCII(UInt8(ascii: "{")) else { throw malformed }
        index += 1
        var digits = ""
        while index < characters.count, characters[index].isASCIIHexDigit {
            digits.append(characters[index].character)
            index += 1
        }
        guard index < characters.count, characters[index].isASCII(UInt8(ascii: "}")), (1...8).contains(digits.count) else { throw malformed }
        index += 1
        guard let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
            throw Failure(kind: .badEscape, offset: backslash,
                          message: "bad escape: '\\u{\(digits)}' is not a Unicode scalar value")
        }
        return String(scalar)
    }
}
