import ConfChatCore

/// Turns the tokens of one line into a statement, checking its shape: the verb, the
/// number and kind of arguments, names, durations.
///
/// It reports the first problem of a line only; the loader moves on to the next line,
/// so one broken line never hides mistakes elsewhere. It does not decide whether a peer
/// was declared (the loader knows the execution order); it lists the names it saw that
/// the loader's `declared` set, the peers declared before the line, does not hold.
///
/// A line starting with a statement keyword (`wait`, `heal`, ...) is that statement,
/// unless the word is also a declared peer and the next word is a verb: with
/// `peers wait`, `wait login pw` is the peer `wait` logging in. Only `registry` is truly
/// reserved, as the spec says.
struct StatementParser {
    let tokens: [Token]
    /// Where an error about a missing token points: just past the last token considered.
    var endColumn: Int
    let declared: Set<String>
    var index = 0
    /// Tokens at or after `limit` are not part of the statement proper (the `within`
    /// clause of an expectation, once split off).
    var limit: Int
    /// The names used so far that `declared` does not hold (`ParsedLine.undeclared`).
    var undeclared: [ParsedLine.NameUse] = []
    /// The line starts with `!`: a message over the size limit is then what the line
    /// expects to be refused, not a mistake.
    var expectsRefusal = false

    private init(_ line: LexedLine, declared: Set<String>) {
        tokens = line.tokens
        endColumn = line.endColumn
        self.declared = declared
        limit = line.tokens.count
    }

    /// Parses a lexed line; nil for a line with no tokens (blank or only a comment).
    static func parse(_ line: LexedLine, declared: Set<String>) throws(LineError) -> ParsedLine? {
        guard !line.tokens.isEmpty else { return nil }
        var parser = StatementParser(line, declared: declared)
        let content = try parser.parseLine()
        return ParsedLine(content: content, undeclared: parser.undeclared)
    }

    private mutating func parseLine() throws(LineError) -> ParsedLine.Content {
        var bang: Token?
        if tokens[0].kind == .bang {
            bang = tokens[0]
            index = 1
            expectsRefusal = true
        }
        if let stray = tokens[index...].first(where: { $0.kind == .bang }) {
            throw LineError(column: stray.column, message: "unexpected '!' (a single '!' may only start a line)")
        }
        guard let first = peek() else {
            throw LineError(column: endColumn, message: "expected an action after '!'")
        }
        guard first.kind == .word else {
            throw LineError(column: first.column, message: "expected a statement, found \(first.quoted)")
        }
        let word = first.text
        guard Vocabulary.isStatementKeyword(word), !keywordActsAsPeer(first) else {
            return .statement(.action(try peerAction(), expectRefusal: bang != nil))
        }
        index += 1
        if let bang, !["partition", "heal", "registry"].contains(word) {
            throw LineError(column: bang.column, message: "'!' is only allowed before an action, not before '\(word)'")
        }
        switch word {
        case "peers": return .statement(.peers(try peerDeclarations()))
        case "transport": return .statement(.transport(try transport()))
        case "seed": return .statement(.seed(try seed()))
        case "timeout": return .statement(.timeout(try durationArgument(after: word)))
        case "presence-timeout": return .statement(.presenceTimeout(try durationArgument(after: word)))
        case "include": return try include()
        case "expect": return .statement(try expectation())
        case "network":
            let setting = try networkSetting()
            return .statement(.action(.network(setting), expectRefusal: false))
        default: return .statement(.action(try networkAction(word), expectRefusal: bang != nil))
        }
    }

    /// True when a keyword-looking first word is a declared peer followed by a verb.
    private func keywordActsAsPeer(_ first: Token) -> Bool {
        guard first.text != PeerName.registry, declared.contains(first.text),
              index + 1 < tokens.count, tokens[index + 1].kind == .word
        else { return false }
        return Verb.named(tokens[index + 1].text) != nil
    }

    // MARK: Directives

    private mutating func peerDeclarations() throws(LineError) -> [String] {
        var names: [String] = []
        var errors: [LineError] = []
        while let token = next() {
            do {
                let name = try validPeerName(token)
                if !names.contains(name) { names.append(name) }
            } catch {
                errors.append(error)
            }
        }
        // Every bad name of the line at once: fixing one and re-running to find the next
        // is what a list of errors saves.
        try Self.throwAll(errors)
        guard !names.isEmpty else {
            throw LineError(column: endColumn, message: "expected at least one peer name after 'peers'")
        }
        return names
    }

    private mutating func transport() throws(LineError) -> TransportKind {
        let choices = TransportKind.allCases.map(\.rawValue)
        let token = try word(after: "transport", expecting: "a transport", choices: choices)
        guard let kind = TransportKind(rawValue: token.text) else {
            throw LineError(column: token.column,
                            message: "unknown transport '\(token.text)' (expected one of: \(Vocabulary.list(choices)))")
        }
        try end()
        return kind
    }

    private mutating func seed() throws(LineError) -> UInt64 {
        let token = try word(after: "seed", expecting: "a non-negative integer")
        guard token.text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw LineError(column: token.column, message: "bad seed '\(token.text)' (expected a non-negative integer)")
        }
        guard let value = UInt64(token.text) else {
            throw LineError(column: token.column, message: "seed '\(token.text)' is too large (the largest is \(UInt64.max))")
        }
        try end()
        return value
    }

    private mutating func durationArgument(after keyword: String) throws(LineError) -> ScenarioDuration {
        let value = try duration(try word(after: keyword, expecting: "a duration (as in 250ms, 5s, 2m or 1h)"))
        try end()
        return value
    }

    private mutating func include() throws(LineError) -> ParsedLine.Content {
        guard let token = next() else {
            throw LineError(column: endColumn, message: "expected a quoted path after 'include'")
        }
        guard token.kind == .string else {
            throw LineError(column: token.column, message: "expected a quoted path after 'include', found \(token.quoted)")
        }
        guard !token.text.isEmpty else {
            throw LineError(column: token.column, message: "the include path is empty")
        }
        try end()
        return .include(path: token.text, column: token.column)
    }

    // MARK: Network and clock

    private mutating func networkAction(_ keyword: String) throws(LineError) -> Action {
        let action: Action
        switch keyword {
        case "wait":
            action = .wait(try duration(try word(after: keyword, expecting: "a duration (as in 250ms, 5s, 2m or 1h)")))
        case "heal":
            action = .heal
        case "registry":
            let token = try word(after: keyword, expecting: "'crash' or 'restart'")
            switch token.text {
            case "crash" where startsMidInput(): return try midInputCrash(keyword)
            case "crash":
                action = .registryCrash
                try endOfCrash(keyword)
            case "restart": action = .registryRestart
            default:
                throw LineError(column: token.column,
                                message: "unknown registry action '\(token.text)' (expected 'crash' or 'restart')")
            }
        default:
            action = .partition(try partitionGroups())
        }
        try end()
        return action
    }

    private mutating func partitionGroups() throws(LineError) -> [[String]] {
        var groups: [[String]] = [[]]
        var seen: Set<String> = []
        while let token = next() {
            switch token.kind {
            case .pipe:
                guard !groups[groups.count - 1].isEmpty else {
                    throw LineError(column: token.column, message: "empty group in partition (expected peer names before '|')")
                }
                groups.append([])
            case .word where token.text == PeerName.registry:
                guard seen.insert(token.text).inserted else {
                    throw LineError(column: token.column, message: "'registry' appears twice in the partition")
                }
                groups[groups.count - 1].append(token.text)
            default:
                let name = try peerArgument(token)
                guard seen.insert(name).inserted else {
                    throw LineError(column: token.column, message: "'\(name)' appears twice in the partition")
                }
                groups[groups.count - 1].append(name)
            }
        }
        if groups[groups.count - 1].isEmpty {
            let message = groups.count == 1
                ? "expected peer names after 'partition' (as in: partition alice | bob registry)"
                : "expected peer names after '|'"
            throw LineError(column: endColumn, message: message)
        }
        guard groups.count >= 2 else {
            throw LineError(column: endColumn, message: "a partition needs at least two groups separated by '|'")
        }
        return groups
    }

    // MARK: Peer actions

    private mutating func peerAction() throws(LineError) -> Action {
        guard let actor = next() else { preconditionFailure("peerAction() needs the actor token") }
        let verbToken = peek()
        // Looked up once: the table is searched by name.
        let named = verbToken.flatMap { $0.kind == .word ? Verb.named($0.text) : nil }
        guard named != nil || declared.contains(actor.text) else {
            // Neither a peer we know nor followed by a verb: most likely a misspelt keyword.
            throw LineError(column: actor.column,
                            message: "unknown statement '\(actor.text)' (expected a directive, 'expect', or a declared peer followed by a verb)")
        }
        let peer = try peerArgument(actor)
        guard let verbToken else {
            throw LineError(column: endColumn,
                            message: "expected a verb after '\(peer)' (one of: \(Vocabulary.list(Verb.names)))")
        }
        guard let verb = named else {
            let shown = verbToken.kind == .word ? "unknown verb '\(verbToken.text)'" : "expected a verb, found \(verbToken.quoted)"
            // `alice sees bob online` is a check written without its `expect`.
            let hint = Vocabulary.expectations.contains(verbToken.text)
                ? "; to check what a peer holds or sees, start the line with 'expect'" : ""
            throw LineError(column: verbToken.column,
                            message: "\(shown) (expected one of: \(Vocabulary.list(Verb.names))\(hint))")
        }
        index += 1
        if verb.name == "crash" {
            if startsMidInput() { return try midInputCrash(peer) }
            try endOfCrash(peer)
        }
        // Each argument is read by its kind; an error about a missing one names the word
        // before it (`expected a peer name after 'team'` in `invite team`).
        var values: [String] = []
        values.reserveCapacity(verb.arguments.count)
        var previous = verb.name
        for argument in verb.arguments {
            let value = switch argument.kind {
            case .password: try password(after: previous)
            case .peer: try peerArgument(after: previous)
            case .group: try groupArgument(after: previous)
            case .text: try messageText()
            }
            values.append(value)
            previous = value
        }
        try end()
        return .peer(peer, verb.action(values))
    }

    /// A password: a word or a quoted string (which may hold spaces or `#`).
    private mutating func password(after verb: String) throws(LineError) -> String {
        guard let token = next() else {
            throw LineError(column: endColumn, message: "expected a password after '\(verb)'")
        }
        guard token.kind == .word || token.kind == .string else {
            throw LineError(column: token.column, message: "expected a password, found \(token.quoted)")
        }
        return token.text
    }
}
