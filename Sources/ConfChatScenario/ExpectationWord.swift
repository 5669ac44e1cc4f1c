/// The word after `expect PEER`, one case each: the parser switches over these (so a new
/// word cannot go unparsed), and the printer and the prompt's completion read them from
/// here rather than from lists of strings.
public enum ExpectationWord: String, Sendable, CaseIterable {
    case received, conversation, sent, sees, friends, requests
    case loggedIn = "logged-in"
    case loggedOut = "logged-out"
    case group, members
}

extension Expectation {
    /// The word that introduces the expectation on its line.
    public var word: ExpectationWord {
        switch self {
        case .received: .received
        case .conversation: .conversation
        case .sent: .sent
        case .sees: .sees
        case .friends: .friends
        case .requests: .requests
        case let .session(_, loggedIn): loggedIn ? .loggedIn : .loggedOut
        case .group: .group
        case .members: .members
        }
    }
}
