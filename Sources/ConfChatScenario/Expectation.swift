/// What an `expect` line checks, one case per kind of expectation.
///
/// Each case names the peer whose view is checked first (`peer`), because every
/// expectation is about one peer's own state: what it holds, whom it sees, how it is
/// logged in. The simulator never checks a "global truth", only what peers believe.
///
/// Lists of texts are in order (conversations are ordered); lists of names are sets
/// written in the order of the file (the simulator compares them order-free).
public enum Expectation: Sendable, Hashable {
    /// `expect bob received alice "text"`: bob holds a message from alice with this text.
    case received(peer: String, from: String, text: String)
    /// `expect bob conversation alice "a" "b"`: bob's messages from alice are exactly these.
    case conversation(peer: String, with: String, texts: [String])
    /// `expect alice sent bob "a" "b"`: alice's messages sent to bob are exactly these.
    case sent(peer: String, to: String, texts: [String])
    /// `expect alice sees bob online` / `offline`.
    case sees(peer: String, friend: String, online: Bool)
    /// `expect alice friends bob carol`: alice's friends are exactly this set.
    case friends(peer: String, names: [String])
    /// `expect alice requests bob`: the requests waiting for alice's answer are this set.
    case requests(peer: String, names: [String])
    /// `expect alice logged-in` / `logged-out`.
    case session(peer: String, loggedIn: Bool)
    /// `expect bob group team alice "a"`: bob's messages from alice in `team` are these.
    case group(peer: String, group: String, from: String, texts: [String])
    /// `expect bob members team alice bob`: bob's view of `team`'s members is this set.
    case members(peer: String, group: String, names: [String])

    /// The peer whose view the expectation checks.
    public var peer: String {
        switch self {
        case .received(let peer, _, _), .conversation(let peer, _, _), .sent(let peer, _, _),
             .sees(let peer, _, _), .friends(let peer, _), .requests(let peer, _),
             .session(let peer, _), .group(let peer, _, _, _), .members(let peer, _, _):
            return peer
        }
    }
}
