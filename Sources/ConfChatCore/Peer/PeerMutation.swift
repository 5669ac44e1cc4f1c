/// One change to a peer's durable state. The store applies these in a transaction; the
/// same change is applied to the in-memory `PeerDurableState` by `apply(_:)`, so a restart
/// that loads the store sees exactly what the running peer saw.
public enum PeerMutation: Hashable, Sendable {
    case setCredentials(hash: String)
    case setFriend(name: String, endpoint: String)
    case removeFriend(String)
    case addRequest(String)
    case removeRequest(String)
    /// A message (or placeholder) newly stored. The peer backs up every message it stores
    /// this way: `PeerMachine.persist` sends the entry right after the write, which the
    /// driver commits before any send (placeholders are never backed up).
    case store(ChatRecord)
    /// A record that came back after a wipe, from the registry's backup or a friend's
    /// HISTORY: stored as `.store` stores it, but not sent to the backup again.
    case restore(ChatRecord)
    case markAcked(peer: String, upTo: UInt64)
    /// The other side reported holding less than it once confirmed (its data was wiped):
    /// what it lost counts as unconfirmed again and is sent again.
    case resetAcked(peer: String, to: UInt64)
    case setGroup(GroupInfo)
    case setKey(name: String, key: [UInt8])
    /// After a restore: these friends' conversations are to be compared before sending more.
    case markUnsynced([String])
    case markSynced(String)
    /// Puts `record` in place of the message held at its seq: a conflict after a restore,
    /// resolved in favour of what the other side already holds.
    case overwrite(ChatRecord)
    /// A message accepted for an unsynced friend, waiting for its seq.
    case queue(peer: String, HistoryItem)
    /// The queue of `peer` was given seqs (stored as ordinary messages) and is empty.
    case dequeue(peer: String)
    /// After a restore: our `seq` to `peer` is in the registry's mailbox, so in use, though not held.
    case reserve(peer: String, seq: UInt64)
    case removeGroup(String)
    case addInvitation(GroupInvitation)
    case removeInvitation(group: String)
}
