import ConfChatCore

/// The argument readers of `StatementParser`: each takes the next token, checks its kind
/// and content, and throws an error pointing at it (or at the end of the line when it is
/// missing), so every statement reports the same messages for the same mistakes.
extension StatementParser {
    /// The next token of the statement, or nil at its end.
    mutating func next() -> Token? {
        guard index < limit else { return nil }
        defer { index += 1 }
        return tokens[index]
    }

    func peek() -> Token? {
        index < limit ? tokens[index] : nil
    }

    /// Fails on anything left over: trailing garbage, or one argument too many.
    mutating func end() throws(LineError) {
        if let extra = next() {
            throw LineError(column: extra.column, message: "unexpected \(extra.quoted) at the end of the statement")
        }
    }

    /// The next token, which must be a word. `expecting` says what kind and `choices`
    /// lists the allowed words, for messages.
    mutating func word(after previous: String, expecting: String, choices: [String]? = nil) throws(LineError) -> Token {
        // Said only in an error: every `expect` line reads a word with its choices.
        var hint: String { choices.map { " (one of: \(Vocabulary.list($0)))" } ?? "" }
        guard let token = next() else {
            throw LineError(column: endColumn, message: "expected \(expecting) after '\(previous)'\(hint)")
        }
        guard token.kind == .word else {
            throw LineError(column: token.column, message: "expected \(expecting)\(hint), found \(token.quoted)")
        }
        return token
    }

    func duration(_ token: Token) throws(LineError) -> ScenarioDuration {
        guard let value = ScenarioDuration(parsing: token.text) else {
            let digits = token.text.prefix { $0.isASCII && $0.isNumber }
            let unit = token.text.dropFirst(digits.count)
            if !digits.isEmpty, ["ms", "s", "m", "h"].contains(unit) {
                throw Self.durationTooLarge(token)
            }
            throw LineError(column: token.column,
                            message: "bad duration '\(token.text)' (expected an integer and a unit: ms, s, m or h, as in 250ms or 5s)")
        }
        guard value <= ScenarioLimits.maxDuration else { throw Self.durationTooLarge(token) }
        return value
    }

    private static func durationTooLarge(_ token: Token) -> LineError {
        LineError(column: token.column, message: "duration '\(token.text)' is too large (the maximum is \(ScenarioLimits.maxDuration))")
    }

    /// A name on a `peers` line: the pattern holds and it is not `registry`. Not a use.
    func validPeerName(_ token: Token) throws(LineError) -> String {
        guard token.kind == .word else {
            throw LineError(column: token.column, message: "expected a peer name, found \(token.quoted)")
        }
        guard token.text != PeerName.registry else {
            throw LineError(column: token.column, message: "'registry' is reserved for the registry and cannot be a peer name")
        }
        guard PeerName.isValid(token.text) else { throw Self.badName("peer", token) }
        return token.text
    }

    /// `bad peer name 'aliсe'`. A name that holds a character outside ASCII gets that
    /// character named, with the caret under it: `с` (U+0441) looks just like `c`.
    static func badName(_ what: String, _ token: Token) -> LineError {
        let pattern = "(expected \(PeerName.rule))"
        guard let offset = token.text.firstIndex(where: { !$0.isASCII || $0.unicodeScalars.contains(where: CharacterName.isInvisible) })
        else { return LineError(column: token.column, message: "bad \(what) name '\(token.text)' \(pattern)") }
        let character = token.text[offset]
        let shownName = CharacterName.visible(token.text)
        return LineError(column: token.column + token.text.distance(from: token.text.startIndex, to: offset),
                         message: "bad \(what) name '\(shownName)': \(CharacterName.describe(character)) is not allowed \(pattern)")
    }

    /// A peer named by the statement (actor or argument): valid, and recorded when it is
    /// not declared, so the loader can report it (`ParsedLine.undeclared`).
    mutating func peerArgument(_ token: Token) throws(LineError) -> String {
        let name = try validPeerName(token)
        if !declared.contains(name) {
            undeclared.append(ParsedLine.NameUse(name: name, column: token.column))
        }
        return name
    }

    mutating func peerArgument(after previous: String) throws(LineError) -> String {
        guard let token = next() else {
            throw LineError(column: endColumn, message: "expected a peer name after '\(previous)'")
        }
        return try peerArgument(token)
    }

    mutating func groupArgument(after previous: String) throws(LineError) -> String {
        let token = try word(after: previous, expecting: "a group name")
        guard PeerName.isValid(token.text) else { throw Self.badName("group", token) }
        return token.text
    }

    /// A message text: always a quoted string, so that a text can never be mistaken for
    /// a name and `""` can say "empty".
    mutating func messageText() throws(LineError) -> String {
        guard let token = next() else {
            throw LineError(column: endColumn, message: "expected a quoted message text")
        }
        guard token.kind == .string else {
            throw LineError(column: token.column, message: "expected a quoted message text")
        }
        let bytes = token.text.utf8.count
        guard bytes <= ScenarioLimits.maxMessageBytes || expectsRefusal else {
            throw LineError(column: token.column,
                            message: "the message text is \(bytes) bytes of UTF-8, over the limit of \(ScenarioLimits.maxMessageBytes) a message may have")
        }
        return token.text
    }

    /// Every remaining token as a message text (for "exactly these messages" lists).
    mutating func messageTexts() throws(LineError) -> [String] {
        var texts: [String] = []
        while peek() != nil {
            texts.append(try messageText())
        }
        return texts
    }

    /// Every remaining token as a peer name, each at most once (for "exactly this set").
    mutating func peerSet() throws(LineError) -> [String] {
        var names: [String] = []
        var errors: [LineError] = []
        while let token = next() {
            do throws(LineError) {
                let name = try peerArgument(token)
                guard !names.contains(name) else {
                    throw LineError(column: token.column, message: "'\(name)' is listed twice")
                }
                names.append(name)
            } catch {
                errors.append(error)
            }
        }
        try Self.throwAll(errors)
        return names
    }

    /// Throws the first of `errors` with the others attached, so a line with several bad
    /// names reports each of them; does nothing when there are none.
    static func throwAll(_ errors: [LineError]) throws(LineError) {
        guard var first = errors.first else { return }
        first.others = Array(errors.dropFirst())
        throw first
    }
}
