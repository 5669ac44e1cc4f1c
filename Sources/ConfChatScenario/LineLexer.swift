/// Splits one scenario line into tokens, dropping white space and the `#` comment.
///
/// Lexing works line by line because the language is line-based: a string cannot span
/// lines, so an unterminated string never swallows the rest of the file, and an error
/// in one line cannot hide errors in the next.
///
/// The line is a `[Character]` so that positions are counted in user-visible characters
/// (the columns diagnostics report), not in bytes or UTF-16 units.
struct LineLexer {
    /// The tokens of a line and the text they cover.
    struct Output: Sendable, Equatable {
        var tokens: [Token]
        /// The line from its first token to its last: trimmed, without comment.
        var text: String
        /// Column just past the last token (1 for an empty line): where an error about a
        /// missing argument points.
        var endColumn: Int
    }

    private let characters: [Character]
    private var index = 0

    private init(_ characters: [Character]) {
        self.characters = characters
    }

    /// Lexes a line; the first lexical error ends it, as nothing after an unterminated
    /// string or a bad character can be tokenized reliably.
    static func lex(_ line: [Character]) throws(LineError) -> Output {
        var lexer = LineLexer(line)
        var tokens: [Token] = []
        while let token = try lexer.nextToken() {
            tokens.append(token)
        }
        guard let first = tokens.first, let last = tokens.last else {
            return Output(tokens: [], text: "", endColumn: 1)
        }
        let text = Self.text(line[(first.column - 1)..<(last.endColumn - 1)])
        return Output(tokens: tokens, text: text, endColumn: last.endColumn)
    }

    /// Characters allowed in a word: letters, digits and `_ - . : @ / %` (`%` for the
    /// percentages of `network loss 5%`). ASCII is decided by its byte, without looking up
    /// Unicode properties (a scenario is mostly ASCII, and every character of it is asked).
    static func isWordCharacter(_ character: Character) -> Bool {
        guard let byte = character.asciiValue else { return character.isLetter || character.isNumber }
        let lower = byte | 0x20
        return (0x30...0x39).contains(byte) || (0x61...0x7A).contains(lower) || "_-.:@/%".utf8.contains(byte)
    }

    /// White space between tokens: ASCII by its byte (tab to carriage return, and space).
    static func isWhitespace(_ character: Character) -> Bool {
        guard let byte = character.asciiValue else { return character.isWhitespace }
        return byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// The characters as one string, made from their UTF-8 bytes: `String(characters)`
    /// appends them one by one, checking the grapheme boundary at each.
    static func text(_ characters: ArraySlice<Character>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count)
        for c in characters { bytes.append(contentsOf: c.utf8) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func nextToken() throws(LineError) -> Token? {
        while index < characters.count, Self.isWhitespace(characters[index]) {
            index += 1
        }
        guard index < characters.count else { return nil }
        let start = index
        let character = characters[index]
        switch character {
        case "#":
            index = characters.count
            return nil
        case "\"":
            let value = try string()
            return Token(kind: .string, text: value, column: start + 1, endColumn: index + 1)
        case "|", "!":
            index += 1
            return Token(kind: character == "|" ? .pipe : .bang, text: String(character),
                         column: start + 1, endColumn: index + 1)
        case _ where Self.isWordCharacter(character):
            while index < characters.count, Self.isWordCharacter(characters[index]) {
                index += 1
            }
            return Token(kind: .word, text: Self.text(characters[start..<index]),
                         column: start + 1, endColumn: index + 1)
        case "'", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}":
            // Curly quotes come from word processors and single quotes from habit; both
            // look like strings to a reader, so say what the language wants instead.
            throw LineError(column: start + 1,
                            message: "unexpected character '\(character)' (strings are written between straight double quotes: \"...\")")
        default:
            // Named rather than echoed when it cannot be seen: a NUL or a byte order mark in
            // the middle of a file would otherwise print as nothing, or garble the terminal.
            throw LineError(column: start + 1, message: "unexpected character \(CharacterName.describe(character))")
        }
    }

    /// Reads a quoted string starting at the opening quote, decoding escapes.
    private mutating func string() throws(LineError) -> String {
        do {
            let (value, end) = try QuotedString.decode(characters, opening: index)
            index = end
            return value
        } catch {
            throw LineError(column: error.offset + 1, message: error.message)
        }
    }
}
