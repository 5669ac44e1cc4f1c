/// One argument of a `Verb`: what kind of value it is (which decides how it is read, checked
/// and printed) and which values tab completion offers for it at the prompt.
public struct VerbArgument: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A word or a quoted string; at the prompt it may be left out and is then asked
        /// for without echo.
        case password
        /// A peer name (`PeerName.isValid`).
        case peer
        /// A group name (the same pattern; the prompt also accepts `#team`).
        case group
        /// A message text: a quoted string (at the prompt, also the unquoted rest of the line).
        case text
    }

    /// The names the prompt offers for the argument, from what the acting peer knows.
    public enum Suggestions: Sendable, Equatable {
        case none
        /// Peers of the network that are not friends yet and have not asked to be.
        case strangers
        /// Peers whose friend request waits for an answer.
        case requesters
        case friends
        /// Friends who are not members of the group named by the verb's group argument.
        case friendsOutsideGroup
        /// Groups the peer owns.
        case ownedGroups
        /// Groups the peer is a member of.
        case memberGroups
        /// Groups the peer is invited to.
        case invitations
    }

    public let kind: Kind
    public let suggestions: Suggestions

    public static let password = VerbArgument(kind: .password, suggestions: .none)
    public static let text = VerbArgument(kind: .text, suggestions: .none)
    public static func peer(_ suggestions: Suggestions) -> VerbArgument { VerbArgument(kind: .peer, suggestions: suggestions) }
    public static func group(_ suggestions: Suggestions) -> VerbArgument { VerbArgument(kind: .group, suggestions: suggestions) }

    /// How usage lines and confirmations name the argument: `NAME`, `GROUP`, `PASSWORD`, `TEXT`.
    public var placeholder: String {
        switch kind {
        case .password: "PASSWORD"
        case .peer: "NAME"
        case .group: "GROUP"
        case .text: "TEXT"
        }
    }

    /// The argument as a scenario file writes it: a name as is, a password as a word when it
    /// is one, a text always quoted.
    func printed(_ value: String) -> String {
        switch kind {
        case .password: ScenarioText.word(value)
        case .peer, .group: value
        case .text: ScenarioText.quote(value)
        }
    }
}
