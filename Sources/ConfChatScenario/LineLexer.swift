/// Splits one scenario line into tokens, dropping white space and the `#` comment.
///
/// Lexing works line by line because the language is line-based: a string cannot span
/// lines, so an unterminated string never swallows the rest of the file, and an error
/// in one line cannot hide errors in the next.
///
/// Positions are counted in user-visible characters (the columns diagnostics report), not
/// in bytes or UTF-16 units: a line of ASCII is walked as its bytes, each one character,
/// any other line as its `Character`s (`LineUnit`).
struct LineLexer<Unit: LineUnit> {
    private let characters: [Unit]
    private var index = 0

    private init(_ characters: [Unit]) {
        self.characters = characters
    }

    /// Lexes a line, given as its units and, when the caller has it, as the string they
    /// are; the first lexical error ends it, as nothing after an unterminated string or a
    /// bad character can be tokenized reliably.
    static func lex(_ line: [Unit], line string: String? = nil) throws(LineError) -> LexedLine {
        var lexer = LineLexer(line)
        var tokens: [Token] = []
        tokens.reserveCapacity(8)  // a line of the language rarely holds more: one allocation
        while let token = try lexer.nextToken() {
            tokens.append(token)
        }
        guard let first = tokens.first, let last = tokens.last else {
            return LexedLine(tokens: [], text: "", endColumn: 1)
        }
        // Most lines have no indentation and no comment: their text is the line itself,
        // shared rather than made again (a line is longer than a string held inline).
        let covered = (first.column - 1)..<(last.endColumn - 1)
        let text = if let string, covered == line.indices { string } else { Unit.text(line[covered]) }
        return LexedLine(tokens: tokens, text: text, endColumn: last.endColumn)
    }

    private mutating func nextToken() throws(LineError) -> Token? {
        while index < characters.count, characters[index].isSpaceUnit {
            index += 1
        }
        guard index < characters.count else { return nil }
        let start = index
        let unit = characters[index]
        if unit.isASCII(UInt8(ascii: "#")) {
            index = characters.count
            return nil
        }
        if unit.isASCII(UInt8(ascii: "\"")) {
            let value = try string()
            return Token(kind: .string, text: value, column: start + 1, endColumn: index + 1)
        }
        if unit.isASCII(UInt8(ascii: "|")) || unit.isASCII(UInt8(ascii: "!")) {
            index += 1
            return Token(kind: unit.isASCII(UInt8(ascii: "|")) ? .pipe : .bang, text: String(unit.character),
                         column: start + 1, endColumn: index + 1)
        }
        if unit.isWordUnit {
            while index < characters.count, characters[index].isWordUnit {
                index += 1
            }
            return Token(kind: .word, text: Unit.text(characters[start..<index]),
                         column: start + 1, endColumn: index + 1)
        }
        let character = unit.character
        switch character {
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
            let (value, end) = try QuotedString.decode(units: characters, opening: index)
            index = end
            return value
        } catch {
            throw LineError(column: error.offset + 1, message: error.message)
        }
    }
}
