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
        var bytes: [UInt8] = []
        try self.init(lexing: line, bytes: &bytes)
    }

    /// The same, the line's bytes copied into `bytes`, emptied first: the loader passes one
    /// array for every line, so its room is allocated once, not once a line.
    init(lexing line: String, bytes: inout [UInt8]) throws(LineError) {
        // The bytes are copied once and looked at in the array: walking `line.utf8` itself to
        // check them cost as much as lexing them.
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: line.utf8)
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
