import ConfChatCore
import ConfChatScenario

/// Evaluates expectations against what each peer holds, and says what was found instead.
extension ScenarioRunner {
    /// Whether `e` holds, and what was found: said only when it is reported (a polled
    /// expectation is evaluated many times, and quoting every text it read each time cost
    /// more than reading them).
    func evaluate(_ e: Expectation) throws -> (Bool, found: () -> String) {
        guard let holds = try world.holds(e) else { return try evaluateOnView(e) }
        // What was found is read from a view, as for a world without facts, when it is said.
        return (holds, { [self] in
            do { return try evaluateOnView(e).found() } catch { return "could not read \(e.peer): \(error)" }
        })
    }

    /// The same, read from the peer's view (`PeerView`): what the processes' world gives.
    private func evaluateOnView(_ e: Expectation) throws -> (Bool, found: () -> String) {
        let view = try world.view(e.peer, texts: e.texts)
        switch e {
        case let .received(p, from, text):
            let got = view.received[from] ?? []
            return (got.contains(text), { "\(p) holds from \(from): \(Self.texts(got))" })
        case let .conversation(p, with, expected):
            let got = view.received[with] ?? []
            return (got == expected, { "\(p) holds from \(with): \(Self.texts(got))" })
        case let .sent(p, to, expected):
            let got = view.sent[to] ?? []
            return (got == expected, { "\(p) holds as sent to \(to): \(Self.texts(got))" })
        case let .sees(p, friend, online):
            guard let seen = view.friends[friend] else { return (false, { "\(friend) is not a friend of \(p)" }) }
            return (seen == online, { "\(p) sees \(friend) \(seen ? "online" : "offline")" })
        case let .friends(p, names):
            let got = view.friends.keys.sorted()
            return (Set(got) == Set(names), { "\(p)'s friends: \(Self.list(got))" })
        case let .requests(p, names):
            let got = view.requests
            return (Set(got) == Set(names), { "\(p)'s pending requests: \(Self.list(got))" })
        case let .session(p, loggedIn):
            return (view.loggedIn == loggedIn, { "\(p) is \(view.loggedIn ? "logged in" : "logged out")" })
        case let .group(p, g, from, expected):
            let got = view.groupMessages[g]?[from] ?? []
            return (got == expected, { "\(p) holds from \(from) in \(g): \(Self.texts(got))" })
        case let .members(p, g, names):
            let got = view.members[g] ?? []
            return (Set(got) == Set(names), { "\(p) sees as members of \(g): \(Self.list(got))" })
        }
    }

    private static func texts(_ t: [String]) -> String {
        t.isEmpty ? "no messages" : t.map(TraceFormatter.quote).joined(separator: " ")
    }

    private static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: " ") }
}

extension Expectation {
    /// The messages the expectation reads: those exchanged with one other peer, or none.
    fileprivate var texts: PeerView.Texts {
        switch self {
        case let .received(_, other, _), let .conversation(_, other, _), let .sent(_, other, _), let .group(_, _, other, _):
            .exchangedWith(other)
        case .sees, .friends, .requests, .session, .members: .none
        }
    }
}
