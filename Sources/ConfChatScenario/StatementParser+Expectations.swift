/// The `expect` statement: `expect PEER WHAT ARGS [within DURATION]`.
extension StatementParser {
    mutating func expectation() throws(LineError) -> StatementKind {
        guard let peerToken = next() else {
            throw LineError(column: endColumn, message: "expected a peer name after 'expect'")
        }
        let peer = try peerArgument(peerToken)
        let within = try withinClause()
        let kindToken = try word(after: peer, expecting: "what to expect", choices: Vocabulary.expectations)
        guard let what = ExpectationWord(rawValue: kindToken.text) else {
            throw LineError(column: kindToken.column,
                            message: "unknown expectation '\(kindToken.text)' (expected one of: \(Vocabulary.list(Vocabulary.expectations)))")
        }
        let expectation: Expectation
        switch what {
        case .received:
            let from = try peerArgument(after: kindToken.text)
            expectation = .received(peer: peer, from: from, text: try messageText())
        case .conversation:
            let other = try peerArgument(after: kindToken.text)
            expectation = .conversation(peer: peer, with: other, texts: try messageTexts())
        case .sent:
            let other = try peerArgument(after: kindToken.text)
            expectation = .sent(peer: peer, to: other, texts: try messageTexts())
        case .sees:
            let friend = try peerArgument(after: kindToken.text)
            let state = try word(after: friend, expecting: "'online' or 'offline'")
            guard state.text == "online" || state.text == "offline" else {
                throw LineError(column: state.column, message: "expected 'online' or 'offline', found '\(state.text)'")
            }
            expectation = .sees(peer: peer, friend: friend, online: state.text == "online")
        case .friends:
            expectation = .friends(peer: peer, names: try peerSet())
        case .requests:
            expectation = .requests(peer: peer, names: try peerSet())
        case .loggedIn, .loggedOut:
            expectation = .session(peer: peer, loggedIn: what == .loggedIn)
        case .group:
            let group = try groupArgument(after: kindToken.text)
            let from = try peerArgument(after: group)
            expectation = .group(peer: peer, group: group, from: from, texts: try messageTexts())
        case .members:
            let group = try groupArgument(after: kindToken.text)
            expectation = .members(peer: peer, group: group, names: try peerSet())
        }
        try end()
        return .expect(expectation, within: within)
    }

    /// Splits off a trailing `within DURATION`, so the statement's own arguments end
    /// before it and an error about a missing argument points at `within`.
    ///
    /// `within` is not reserved, so a peer may be called `within`: then the words are a
    /// clause only when a duration-looking word (a digit first) follows, and a trailing
    /// `within` is that peer's name.
    mutating func withinClause() throws(LineError) -> ScenarioDuration? {
        let count = tokens.count
        // Asked only when a `within` is there: most lines have none, and the set is hashed.
        var withinIsPeer: Bool { declared.contains("within") }
        func isWithin(_ position: Int) -> Bool {
            position >= index && tokens[position].kind == .word && tokens[position].text == "within"
        }
        if count >= 2, isWithin(count - 2) {
            let value = tokens[count - 1]
            let looksLikeDuration = value.kind == .word && (value.text.first.map { $0.isASCII && $0.isNumber } ?? false)
            if !withinIsPeer || looksLikeDuration {
                guard value.kind == .word else {
                    throw LineError(column: value.column, message: "expected a duration after 'within', found \(value.quoted)")
                }
                let duration = try duration(value)
                limit = count - 2
                endColumn = tokens[count - 2].column
                return duration
            }
        }
        if count >= 1, isWithin(count - 1), !withinIsPeer {
            throw LineError(column: tokens[count - 1].endColumn, message: "expected a duration after 'within'")
        }
        return nil
    }
}
