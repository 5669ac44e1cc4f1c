/// The fixed words of the language and the rule for names, in one place so that the
/// parser, its error messages ("expected one of: ...") and the docs cannot drift apart.
enum Vocabulary {
    /// Words that start a statement that is not a peer action. Apart from `registry`, they
    /// are not reserved: a peer may be called `wait`, and `wait login pw` is then that peer
    /// logging in (see `StatementParser`).
    static let statementKeywords: [String] = [
        "peers", "transport", "seed", "timeout", "presence-timeout", "include",
        "wait", "partition", "heal", "registry", "expect", "network",
    ]

    /// Peer verbs in the order of the spec, which is the order error messages list them.
    static let verbs: [String] = [
        "register", "login", "logout", "add-friend", "accept", "decline", "remove-friend",
        "send", "crash", "restart", "wipe",
        "create-group", "invite", "join", "leave-group", "destroy-group", "send-group",
    ]

    /// What may follow `expect PEER`, in the order of the spec.
    static let expectations: [String] = [
        "received", "conversation", "sent", "sees", "friends", "requests",
        "logged-in", "logged-out", "group", "members",
    ]

    /// The registry's reserved name: never a peer, but a partition member and the actor
    /// of `registry crash` / `registry restart`.
    static let registry = "registry"

    /// `[a-z][a-z0-9_-]{0,31}`: the pattern for peer and group names. Kept ASCII and
    /// short because names become directory names and wire fields.
    static func isValidName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, (1...32).contains(scalars.count),
              ("a"..."z").contains(first)
        else { return false }
        return scalars.dropFirst().allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
        }
    }

    /// The pattern in words, for error messages.
    static let namePattern = "a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-'"

    /// `a, b, c`, for the "expected one of" part of messages.
    static func list(_ words: [String]) -> String {
        words.joined(separator: ", ")
    }
}
