/// What a `PeerMachine` asks its shell to do, in order. The shell carries effects out in the
/// order given: a `persist` before the `send` that follows it, so nothing is acknowledged
/// before it is on disk.
public enum PeerEffect: Hashable, Sendable {
    case send(Address, WireMessage)
    case persist(PeerMutation)
    case schedule(PeerTimer, at: SimInstant)
    case completed(CommandID, CommandFailure?)
    case event(PeerEvent)
}
