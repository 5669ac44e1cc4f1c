import Testing
@testable import ConfChatScenario

/// A line of ASCII is lexed as its bytes, any other line as its `Character`s (`LineUnit`);
/// the file is cut into lines at the bytes of its line breaks. Both must give exactly what
/// the walk over `Character`s gives: the same tokens, texts, columns and errors.
@Suite struct ByteLexingTests {
    /// Lines of every token kind and every lexical error, ASCII only.
    static let asciiLines = [
        "", "   ", "# only a comment", "alice send bob \"hi there\" # and a comment", "  ! alice login pw|x",
        "partition alice bob | carol", "network loss 5% latency 20ms-40ms", "expect a@b.c:1/2 received x_y-z",
        "alice send bob \"a\\\"b\\\\c\\n\\t\\u{41}\\u{1F600}\"", "alice send bob \"unterminated", "alice send bob \"ends in \\",
        "alice send bob \"bad \\q escape\"", "alice send bob \"\\u{110000}\"", "alice send bob \"\\u{}\"", "alice send bob \"\\u{123456789}\"",
        "alice send bob \"\\u41\"", "alice 'single'", "alice $", "alice send\u{0}bob", "tab\tseparated\u{0B}words\u{0C}here",
        "\u{1F}unit separator", "del\u{7F}", "a ~ b", "x \"\"",
    ]

    static func lexed<Unit: LineUnit>(_ units: [Unit]) -> Result<LexedLine, LineError> {
        do throws(LineError) { return .success(try LineLexer.lex(units)) } catch { return .failure(error) }
    }

    static func lexed(_ line: String) -> Result<LexedLine, LineError> {
        do throws(LineError) { return .success(try LexedLine(lexing: line)) } catch { return .failure(error) }
    }

    @Test("an ASCII line's bytes lex as its characters do", arguments: asciiLines)
    func bytesLexAsCharacters(line: String) {
        #expect(Self.lexed(Array(line.utf8)) == Self.lexed(Array(line)))
        #expect(Self.lexed(line) == Self.lexed(Array(line)))
    }

    @Test("a line with other characters is lexed as characters, columns counted in characters")
    func otherLinesLexAsCharacters() throws {
        for line in ["élodie send bob \"ça\"", "alice send bob \"e\u{301}\" x", "alice \u{201C}hi\u{201D}", "a\u{FEFF}b", "bob send a \"🇫🇷\" é"] {
            #expect(Self.lexed(line) == Self.lexed(Array(line)))
        }
        let line = try LexedLine(lexing: "alice send bob \"e\u{301}\" z")
        #expect(line.tokens.last == Token(kind: .word, text: "z", column: 20, endColumn: 21))
    }

    /// The lines a walk over `Character`s finds: what `ScenarioFileReader.lines` did before.
    static func characterLines(_ text: String) -> [String] {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        var lines: [String] = []
        var current = ""
        for character in body {
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        lines.append(current)
        return lines
    }

    @Test("a file is cut into the same lines at its bytes as at its characters", arguments: [
        "", "\n", "a", "a\nb\n", "a\r\nb\rc\n\rd", "\r\r\n\n\r", "\u{FEFF}peers a\n", "\u{FEFF}\u{301}x\ny", "é\n\u{301}ü\r\n\u{1F600}",
        "x\u{85}y\u{2028}z", "no break at the end\r",
    ])
    func linesAtBytes(text: String) {
        #expect(ScenarioFileReader.lines(of: text) == Self.characterLines(text))
    }
}
