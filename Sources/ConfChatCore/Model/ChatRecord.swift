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
    /// Received for a group the recipient is no longer in: kept only to keep the sequence
    /// whole, never shown.
    public var discarded: Bool
    /// For a received message: the sender's proof that it wrote it (`MessageProver`), kept to
    /// give the message back to the sender after a wipe. Empty for sent messages (the proof is
    /// made as each copy goes out) and for messages that came without one (mail, a backup).
    public var proof: [UInt8]

    public init(peer: String, outgoing: Bool, seq: UInt64, body: [UInt8], group: String? = nil, discarded: Bool = false,
                proof: [UInt8] = []) {
        self.proof = proof
        self.peer = peer
        self.outgoing = outgoing
        self.seq = seq
        self.body = body
        self.group = group
        self.discarded = discarded
    }

    /// The body as text; bodies that are not valid UTF-8 show with replacement characters.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// A placeholder for a message its sender lost for good (SKIP). The real message, should
    /// a copy turn up after all (from a mailbox, a friend's history), takes its place.
    public var isSkip: Bool { discarded && group == nil }
}
