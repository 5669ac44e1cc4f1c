/// Splits a prompt line into words and quoted strings.
///
/// Quoted strings use the scenario language's escapes (`\"`, `\\`, `\n`, `\t`, `\u{1F600}`),
/// so a text typed at the prompt means what it means in a scenario file. Unlike the scenario
/// lexer, any non-blank run of characters is a word (the prompt checks names itself and says
/// what is wrong in its own words), and `#` is a normal character (`messages #team`).
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

    /// Decodes the quoted string that opens at `from`; returns its value and the offset past the closing quote.
    static func string(_ c: [Character], from: Int) throws(Failure) -> (String, Int) {
        var i = from + 1
        var value = ""
        while i < c.count {
            switch c[i] {
            case "\"":
                return (value, i + 1)
            case "\\":
                guard i + 1 < c.count else { throw Failure(message: "unterminated string (a text ends with a closing \")") }
                let letter = c[i + 1]
                i += 2
                switch letter {
                case "\"": value += "\""
                case "\\": value += "\\"
                case "n": value += "\n"
                case "t": value += "\t"
                case "u":
                    var digits = ""
                    guard i < c.count, c[i] == "{" else { throw badUnicode }
                    i += 1
                    while i < c.count, c[i].isASCII, c[i].isHexDigit { digits.append(c[i]); i += 1 }
                    guard i < c.count, c[i] == "}", (1...8).contains(digits.count),
                          let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code)
                    else { throw badUnicode }
                    i += 1
                    value.unicodeScalars.append(scalar)
                default:
                    throw Failure(message: "bad escape '\\\(letter)' (allowed: \\\" \\\\ \\n \\t \\u{HEX})")
                }
            default:
                value.append(c[i])
                i += 1
            }
        }
        throw Failure(message: "unterminated string (a text ends with a closing \")")
    }

    /// `text` without leading and trailing white space.
    static func trim(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    private static let badUnicode = Failure(message: "bad escape: '\\u' must be followed by '{', 1 to 8 hex digits and '}', as in \\u{1F600}")
}

