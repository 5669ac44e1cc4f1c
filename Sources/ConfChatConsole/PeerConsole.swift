import ConfChatCore

/// What the interactive prompt drives: one peer, either a virtual peer inside a running
/// simulation (`confchat attach`) or the peer of a standalone process (`confchat peer`).
///
/// The prompt owns the terminal; the console owns the network. `pump` lets the network run
/// until the user types something, so incoming messages and presence changes arrive (through
/// `onEvent`) while the user is at the prompt.
public protocol PeerConsole: AnyObject {
    /// The peer the prompt acts as.
    var name: String { get }
    /// Called for every event the peer observes, the moment it happens.
    var onEvent: ((PeerEvent) -> Void)? { get set }
    /// Runs one of the peer's own commands and waits for its outcome: nil on success.
    func run(_ command: PeerCommand) throws -> CommandFailure?
    /// The peer's durable state (friends, requests, conversations, groups).
    func state() throws -> PeerDurableState
    /// The peer's view of a friend's presence; nil if not a friend.
    func sees(_ friend: String) throws -> Bool?
    func isLoggedIn() throws -> Bool
    /// Lets the network run until `fd` is readable or `timeoutMs` has passed.
    /// Returns true when `fd` is readable.
    func pump(until fd: Int32, timeoutMs: Int) throws -> Bool
    /// Lets the network run, at the end of input, until what the peer sent is confirmed by
    /// the friends online, or `timeoutMs` passes: a piped `send` then reaches its friend
    /// before the process exits.
    func settle(timeoutMs: Int) throws
    /// The peer's messages in the order its store took them in, when the store knows it:
    /// the history from before the prompt started, which the durable state alone cannot
    /// order (`MessageLedger`). Empty when unknown.
    func storedOrder() throws -> [ChatRecord.Key]
    /// When the store took in each message (Unix seconds), where it keeps that: `messages`
    /// shows it. Empty when unknown (the simulator's peers live in simulated time).
    func storedTimes() throws -> [ChatRecord.Key: Int64]
    /// Whether the registry answers, as the peer sees it (`PeerMachine.registryAnswers`).
    func registryAnswers() throws -> Bool?
}

extension PeerConsole {
    public func settle(timeoutMs: Int) throws {}
    public func storedOrder() throws -> [ChatRecord.Key] { [] }
    public func storedTimes() throws -> [ChatRecord.Key: Int64] { [:] }
}
