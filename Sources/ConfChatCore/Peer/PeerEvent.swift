/// Something a peer observed that a user would want to see: the trace, the prompt and the
/// scenario runner's expectations are all built from these.
public enum PeerEvent: Hashable, Sendable {
    case delivered(from: String, seq: UInt64, text: String, group: String? = nil)
    case presence(friend: String, online: Bool, reason: String)
    case friendRequest(from: String)
    case friendAdded(String)
    case friendRemoved(String)
    case duplicate(from: String, seq: UInt64)
    case heldBack(from: String, seq: UInt64, expecting: UInt64)
    case note(String)
    case groupInvitation(group: String, owner: String)
    case groupChanged(group: String, members: [String])
    case groupRemoved(group: String, reason: String)
}
