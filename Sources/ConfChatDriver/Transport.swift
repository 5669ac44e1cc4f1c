import ConfChatCore

/// Where a node's messages go: the simulator's network, a standalone node's sockets, or a
/// test's in-memory queue. A transport never throws for a message it cannot deliver: it
/// says what became of it, and the node decides whether that is worth a line in its log.
public protocol Transport: AnyObject {
    func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome
}

/// What became of one message a machine sent.
public enum SendOutcome: Hashable, Sendable {
    /// Handed to the network (which may still lose it, as networks do).
    case sent
    /// The network could not take it: the receiver is down, partitioned away, unreachable.
    case dropped(reason: String)
    /// The node's own layer between machine and wire refused to send it, for the reason
    /// given (no key to seal mail to, say). The machine's retries are what recover it.
    case withheld(reason: String)
}
