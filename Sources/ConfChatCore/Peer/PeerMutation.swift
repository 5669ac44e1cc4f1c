/// One change to a peer's durable state. The store applies these in a transaction; the
/// same change is applied to the in-memory `PeerDurableState` by `apply(_:)`, so a restart
/// that loads the store sees exactly what the running peer saw.
public enum PeerMutation: Hashable, Sendable {
    case setCredentials(hash: String)
    case setFriend(name: String, endpoint: String)
    case removeFriend(String)
    case addRequest(String)
    case removeRequest(String)
    case store(ChatRecord)
    case markAcked(peer: String, upTo: UInt64)
}
