import ConfChatScenario

/// Splits a prompt line into words and quoted strings.
///
/// Quoted strings are the scenario language's (`\"`, `\\`, `\n`, `\t`, `\u{1F600}`), decoded
/// by the same code (`QuotedString`), so a text typed at the prompt means what it means in a
/// scenario file. Unlike the scenario lexer, any non-blank run of characters is a word (the
/// prompt checks names itself and says what is wrong in its own words), and `#` is a normal
/// character (`messages #team`).
struct PromptLexer {
    struct Token: Equatable {
        var text: String
        var quoted: Bool
        /// Offsets (in `Character`s) of the token's first character and just past its last.
        var start: Int
        var end: Int
    }

    struct Failure: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    let characters: [Character]
    private(set) var tokens: [Token] = []

    init(_ line: String) throws(Failure) {
        characters = Array(line)
        var i = 0
        while i < characters.count {
            if characters[i].isWhitespace { i += 1; continue }
            let start = i
            if characters[i] == "\"" {
                let (text, next) = try Self.string(characters, from: i)
                tokens.append(Token(text: text, quoted: true, start: start, end: next))
                i = next
            } else {
                while i < characters.count, !characters[i].isWhitespace, characters[i] != "\"" { i += 1 }
                tokens.append(Token(text: String(characters[start..<i]), quoted: false, start: start, end: i))
            }
        }
    }

    /// The line from the start of token `index` to its end, trimmed: the unquoted text of `send bob hi there`.
    func rest(from index: Int) -> String {
        guard index < tokens.count else { return "" }
        return Self.trim(String(characters[tokens[index].start...]))
    }

    /// Decodes the quoted string that opens at `from` (`QuotedString`, as in scenario files);
    /// returns its value and the offset past the closing quote.
    static func string(_ c: [Character], from: Int) throws(Failure) -> (String, Int) {
        do {
            let (value, end) = try QuotedString.decode(c, opening: from)
            return (value, end)
        } catch where error.kind == .unterminated {
            throw Failure(message: "unterminated string (a text ends with a closing \")")
        } catch {
            throw Failure(message: error.message)
        }
    }

    /// `text` without leading and trailing white space.
    static func trim(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

