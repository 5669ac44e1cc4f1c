/// What a user asks their own peer to do: one case a verb of the scenario language and the prompt.
public enum PeerCommand: Hashable, Sendable {
    case register(password: String)
    case login(password: String)
    case logout
    case addFriend(String)
    case accept(String)
    case decline(String)
    case removeFriend(String)
    case send(to: String, text: String)
    case group(GroupCommand)
}

/// Identifies one command so the shell can match its completion to the statement that issued it.
public typealias CommandID = UInt64

/// Why a command was refused, in words a user reads ("bob is not your friend").
public struct CommandFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The registry never answered the request (as opposed to answering with a refusal): a
    /// shell that can tell why (a failed CURVE handshake, no registry there) says so.
    public var registryUnanswered: Bool
    public init(_ message: String, registryUnanswered: Bool = false) {
        self.message = message
        self.registryUnanswered = registryUnanswered
    }
    public var description: String { message }
}
