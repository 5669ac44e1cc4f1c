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
    /// A message from another node that was refused or ignored (protocol.md 8): from a
    /// stranger, of a kind not expected, or with a seq the rules refuse. The trace shows it
    /// as a note; a standalone peer also logs it, since it may come from a hostile client.
    case refused(String)
    case groupInvitation(group: String, owner: String)
    case groupChanged(group: String, members: [String])
    case groupRemoved(group: String, reason: String)
}
