/// One stored chat message, as a peer holds it: who the other side is, which way it went,
/// its per-pair sequence number and its body.
///
/// `seq` numbers the messages of one sender to one recipient from 1 without gaps; the pair
/// (sender, seq) is the message's identity, which is what makes delivery exactly-once.
public struct ChatRecord: Hashable, Sendable {
    public var peer: String
    public var outgoing: Bool
    public var seq: UInt64
    public var body: [UInt8]
    /// The group the message was sent to, nil for a one-to-one message. Group messages share
    /// the pair's sequence, so one mechanism gives both kinds exactly-once, in-order delivery.
    public var group: String?
    /// What the record is: a message, or one of the two kinds kept only so that the sequence
    /// stays whole (never shown).
    public var kind: Kind
    /// For a received message: the sender's proof that it wrote it (`MessageProver`), kept to
    /// give the message back to the sender after a wipe. Empty for sent messages (the proof is
    /// made as each copy goes out) and for messages that came without one (mail, a backup).
    public var proof: [UInt8]

    public init(peer: String, outgoing: Bool, seq: UInt64, body: [UInt8], group: String? = nil, kind: Kind = .message,
                proof: [UInt8] = []) {
        self.proof = proof
        self.peer = peer
        self.outgoing = outgoing
        self.seq = seq
        self.body = body
        self.group = group
        self.kind = kind
    }

    /// A placeholder for `seq`, a message nobody holds any more (SKIP): no body, no group.
    public static func skipped(peer: String, outgoing: Bool, seq: UInt64) -> ChatRecord {
        ChatRecord(peer: peer, outgoing: outgoing, seq: seq, body: [], kind: .skipped)
    }

    /// The body as text; bodies that are not valid UTF-8 show with replacement characters.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// A placeholder for a message its sender lost for good (SKIP). The real message, should
    /// a copy turn up after all (from a mailbox, a friend's history), takes its place.
    public var isSkip: Bool { kind == .skipped }

    /// Whether the user sees this record: a message, not a placeholder or a discarded one.
    public var isShown: Bool { kind == .message }

    /// What a stored record is. The raw values are what the peer's SQLite store writes in
    /// its `kind` column.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A message, shown to the user.
        case message
        /// A group message that arrived for a group the recipient is not in (it left, or the
        /// sender is not a member as it knows the group): kept, body and group included, only
        /// to keep the sequence whole; never shown.
        case discarded
        /// A seq its sender lost for good (SKIP), or one of ours nobody holds after a restore:
        /// no body, no group. The real message, should a copy turn up, takes its place.
        case skipped
    }
}
