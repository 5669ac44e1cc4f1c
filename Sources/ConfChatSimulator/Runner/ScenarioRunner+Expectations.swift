import ConfChatCore
import ConfChatScenario

/// Evaluates expectations against what each peer holds, and says what was found instead.
extension ScenarioRunner {
    func evaluate(_ e: Expectation) throws -> (Bool, String) {
        switch e {
        case let .received(p, from, text):
            let got = try sim.received(p, from: from)
            return (got.contains(text), "\(p) holds from \(from): \(texts(got))")
        case let .conversation(p, with, expected):
            let got = try sim.received(p, from: with)
            return (got == expected, "\(p) holds from \(with): \(texts(got))")
        case let .sent(p, to, expected):
            let got = try sim.sent(p, to: to)
            return (got == expected, "\(p) holds as sent to \(to): \(texts(got))")
        case let .sees(p, friend, online):
            guard let view = try sim.sees(p, friend) else { return (false, "\(friend) is not a friend of \(p)") }
            return (view == online, "\(p) sees \(friend) \(view ? "online" : "offline")")
        case let .friends(p, names):
            let got = try sim.durableState(p).friends.keys.sorted()
            return (Set(got) == Set(names), "\(p)'s friends: \(list(got))")
        case let .requests(p, names):
            let got = try sim.durableState(p).requests.sorted()
            return (Set(got) == Set(names), "\(p)'s pending requests: \(list(got))")
        case let .session(p, loggedIn):
            let got = try sim.isLoggedIn(p)
            return (got == loggedIn, "\(p) is \(got ? "logged in" : "logged out")")
        case let .group(p, g, from, expected):
            let got = try sim.received(p, from: from, group: g)
            return (got == expected, "\(p) holds from \(from) in \(g): \(texts(got))")
        case let .members(p, g, names):
            let got = try sim.members(p, group: g)
            return (Set(got) == Set(names), "\(p) sees as members of \(g): \(list(got))")
        }
    }

    private func texts(_ t: [String]) -> String {
        t.isEmpty ? "no messages" : t.map(TraceFormatter.quote).joined(separator: " ")
    }

    private func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: " ") }
}
