import ConfChatCore
import ConfChatScenario

/// Tab completion: verbs first, then the names that make sense after each verb.
extension PeerPrompt {
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
            // As another peer: a scenario verb, then names of the network by argument kind.
            if position == 1 { return Verb.names }
            guard let entry = Verb.named(ctx[1]), position - 2 < entry.arguments.count else { return [] }
            switch entry.arguments[position - 2].kind {
            case .peer: return peers
            case .group: return allGroups()
            case .password, .text: return []
            }
        }
        if let entry = Verb.named(PromptHelp.aliases[verb] ?? verb) {
            if entry.scope == .harness { return position == 1 ? peers : [] }
            guard position - 1 < entry.arguments.count else { return [] }
            return suggestions(entry.arguments[position - 1].suggestions, verb: entry, typed: Array(ctx.dropFirst()))
        }
        switch PromptHelp.aliases[verb] ?? verb {
        case "help":
            return position == 1 ? verbs : []
        case "messages":
            guard position == 1 else { return [] }
            let talked = state.map { Array($0.conversations.keys) } ?? []
            return friends + talked + groups.map { "#" + $0 }
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
            if position == 2 { return ExpectationWord.allCases.map(\.rawValue) }
            let what = ctx.count >= 3 ? ExpectationWord(rawValue: ctx[2]) : nil
            if what == .sees, position == 4 { return ["online", "offline"] }
            if what == .group || what == .members, position == 3 { return allGroups() }
            if ctx.last == "within" { return ["5s", "10s", "30s"] }
            return peers + ["within"]
        default:
            return []
        }
    }

    /// What the prompt offers for one argument of one of its own verbs, from the peer's
    /// state; `typed` holds the arguments before it (`invite team <Tab>` offers friends
    /// outside `team`).
    private func suggestions(_ kind: VerbArgument.Suggestions, verb: Verb, typed: [String]) -> [String] {
        let state = try? console.state()
        let friends = state?.sortedFriends ?? []
        let groups = state.map { $0.groups.keys.sorted() } ?? []
        switch kind {
        case .none:
            return []
        case .strangers:
            let peers = network?.peerNames ?? []
            return peers.filter { $0 != name && !friends.contains($0) && !(state?.requests.contains($0) ?? false) }
        case .requesters:
            return state?.requests.sorted() ?? []
        case .friends:
            return friends
        case .friendsOutsideGroup:
            guard let at = verb.arguments.firstIndex(where: { $0.kind == .group }), at < typed.count else { return friends }
            return friends.filter { state?.groups[typed[at]]?.members[$0] == nil }
        case .ownedGroups:
            return groups.filter { state?.groups[$0]?.owner == name }
        case .memberGroups:
            return groups
        case .invitations:
            return state.map { $0.invitations.keys.sorted() } ?? []
        }
    }

    /// Every group any peer of the network knows (attach), or this peer's.
    private func allGroups() -> [String] {
        var all = Set((try? console.state())?.groups.keys.map { $0 } ?? [])
        all.formUnion((try? console.state())?.invitations.keys.map { $0 } ?? [])
        return all.sorted()
    }
}
