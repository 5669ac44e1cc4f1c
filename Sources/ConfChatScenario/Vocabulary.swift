import ConfChatCore

/// The fixed words of the language, in one place so that the parser, its error messages
/// ("expected one of: ...") and the docs cannot drift apart. Peer verbs are `Verb.all`,
/// expectation words `ExpectationWord`, and the rule for names is the core's `PeerName`.
public enum Vocabulary {
    /// Words that start a statement that is not a peer action. Apart from `registry`, they
    /// are not reserved: a peer may be called `wait`, and `wait login pw` is then that peer
    /// logging in (see `StatementParser`). The attached prompt passes a line starting with
    /// one of them (but `include`) to the scenario parser.
    public static let statementKeywords: [String] = [
        "peers", "transport", "seed", "timeout", "presence-timeout", "include",
        "wait", "partition", "heal", "registry", "expect", "network",
    ]

    /// Whether `word` is one of `statementKeywords`. The parser asks about the first word of
    /// every line, most of them a peer's name: a word whose first byte starts no keyword is
    /// none without hashing it (a look-up in the set cost about 420 instructions a line), and
    /// the set answers for the others (a search of the list compared them with every keyword).
    static func isStatementKeyword(_ word: String) -> Bool {
        guard let first = word.utf8.first, keywordInitials[Int(first)] else { return false }
        return keywordSet.contains(word)
    }

    private static let keywordSet: Set<String> = Set(statementKeywords)

    /// For each byte, whether a keyword starts with it.
    private static let keywordInitials: [Bool] = (0..<256).map { byte in
        statementKeywords.contains { $0.utf8.first == UInt8(byte) }
    }

    /// What may follow `expect PEER`, in the order of the spec.
    static let expectations: [String] = ExpectationWord.allCases.map(\.rawValue)

    /// `a, b, c`, for the "expected one of" part of messages.
    static func list(_ words: [String]) -> String {
        words.joined(separator: ", ")
    }
}
