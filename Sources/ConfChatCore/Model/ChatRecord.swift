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

    public init(peer: String, outgoing: Bool, seq: UInt64, body: [UInt8]) {
        self.peer = peer
        self.outgoing = outgoing
        self.seq = seq
        self.body = body
    }

    /// The body as text; bodies that are not valid UTF-8 show with replacement characters.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
