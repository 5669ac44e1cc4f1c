import ConfChatCore

/// Tab completion: verbs first, then the names that make sense after each verb.
extension PeerPrompt {
    /// The scenario language's peer verbs, for `@NAME <Tab>`.
    static let scenarioVerbs = [
        "register", "login", "logout", "add-friend", "accept", "decline", "remove-friend",
        "send", "crash", "restart", "wipe",
        "create-group", "invite", "join", "leave-group", "destroy-group", "send-group",
    ]

    static let expectationWords = [
        "received", "conversation", "sent", "sees", "friends", "requests",
        "logged-in", "logged-out", "group", "members",
    ]

    /// Every verb the prompt offers at the start of a line.
    var verbs: [String] {
        var v = PromptHelp.own.map(\.verb) + ["exit"]
        if network != nil { v += PromptHelp.network.map(\.verb).filter { $0 != "@" && $0 != "!" } }
        return v
    }

    /// Completions of the last word of `prefix` (the line up to the cursor; the word runs
    /// from the last white space). Each is a whole word that starts with what was typed,
    /// sorted, without repeats.
    public func completions(forLinePrefix prefix: String) -> [String] {
        let endsInSpace = prefix.last?.isWhitespace ?? true
        var words = prefix.split(whereSeparator: \.isWhitespace).map(String.init)
        let word = endsInSpace ? "" : (words.popLast() ?? "")
        let candidates = candidates(before: words, word: word)
        return Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
    }

    private func candidates(before: [String], word: String) -> [String] {
        let state = try? console.state()
        let peers = network?.peerNames ?? []
        let friends = state?.sortedFriends ?? []
        let groups = state.map { $0.groups.keys.sorted() } ?? []
        var ctx = before
        if ctx.first == "!" { ctx.removeFirst() } else if let f = ctx.first, f.hasPrefix("!") { ctx[0].removeFirst() }
        guard let verb = ctx.first else {
            if word.hasPrefix("@") { return peers.map { "@" + $0 } }
            return verbs
        }
        let position = ctx.count  // 1: the first argument, 2: the second...
        if verb.hasPrefix("@") {
            // As another peer: a scenario verb, then names of the network.
            if position == 1 { return Self.scenarioVerbs }
            if ["create-group", "join", "leave-group", "destroy-group", "send-group", "invite"].contains(ctx[1]), position == 2 {
                return allGroups()
            }
            return ["register", "login"].contains(ctx[1]) ? [] : peers
        }
        switch PromptHelp.aliases[verb] ?? verb {
        case "help":
            return position == 1 ? verbs : []
        case "add-friend":
            guard position == 1 else { return [] }
            return peers.filter { $0 != name && !friends.contains($0) && !(state?.requests.contains($0) ?? false) }
        case "accept", "decline":
            return position == 1 ? (state?.requests.sorted() ?? []) : []
        case "remove-friend", "send":
            return position == 1 ? friends : []
        case "messages":
            guard position == 1 else { return [] }
            let talked = state.map { Array($0.conversations.keys) } ?? []
            return friends + talked + groups.map { "#" + $0 }
        case "invite":
            if position == 1 { return groups.filter { state?.groups[$0]?.owner == name } }
            if position == 2 { return friends.filter { state?.groups[ctx[1]]?.members[$0] == nil } }
            return []
        case "join":
            return position == 1 ? (state.map { $0.invitations.keys.sorted() } ?? []) : []
        case "leave-group", "send-group":
            return position == 1 ? groups : []
        case "destroy-group":
            return position == 1 ? groups.filter { state?.groups[$0]?.owner == name } : []
        case "crash", "restart", "wipe":
            return position == 1 ? peers : []
        case "registry":
            return position == 1 ? ["crash", "restart"] : []
        case "partition":
            return peers + ["registry", "|"]
        case "peers":
            return []
        case "wait", "timeout":
            return position == 1 ? ["1s", "5s", "10s", "30s"] : []
        case "expect":
            if position == 1 { return peers }
            if position == 2 { return Self.expectationWords }
            if ctx.count >= 3, ctx[2] == "sees", position == 4 { return ["online", "offline"] }
            if ctx.count >= 3, ctx[2] == "group" || ctx[2] == "members", position == 3 { return allGroups() }
            if ctx.last == "within" { return ["5s", "10s", "30s"] }
            return peers + ["within"]
        default:
            return []
        }
    }

    /// Every group any peer of the network knows (attach), or this peer's.
    private func allGroups() -> [String] {
        var all = Set((try? console.state())?.groups.keys.map { $0 } ?? [])
        all.formUnion((try? console.state())?.invitations.keys.map { $0 } ?? [])
        return all.sorted()
    }
}
