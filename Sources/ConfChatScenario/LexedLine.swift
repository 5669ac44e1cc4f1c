/// The tokens of a scenario line and the text they cover (`LineLexer`).
struct LexedLine: Sendable, Equatable {
    var tokens: [Token]
    /// The line from its first token to its last: trimmed, without comment.
    var text: String
    /// Column just past the last token (1 for an empty line): where an error about a
    /// missing argument points.
    var endColumn: Int

    /// Lexes `line`: a line of ASCII as its bytes, each one character, any other line as its
    /// `Character`s (`LineUnit`), so tokens, texts and columns come out the same either way.
    init(lexing line: String) throws(LineError) {
        // The bytes are copied once and looked at in the array: walking `line.utf8` itself to
        // check them cost as much as lexing them.
        let bytes = Array(line.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            self = try LineLexer.lex(bytes, line: line)
        } else {
            self = try LineLexer.lex(Array(line), line: line)
        }
    }

    init(tokens: [Token], text: String, endColumn: Int) {
        self.tokens = tokens
        self.text = text
        self.endColumn = endColumn
    }
}
