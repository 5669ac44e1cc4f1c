/// The messages between a peer and one other user, both directions, in sequence order.
public struct Conversation: Hashable, Sendable {
    /// Sent messages, `sent[i]` has seq `i + 1` unless restored from a partial backup.
    public var sent: [ChatRecord] = []
    public var received: [ChatRecord] = []
    /// Highest seq of ours the other side confirmed (cumulative ack).
    public var acked: UInt64 = 0

    public init() {}

    public var lastSentSeq: UInt64 { sent.last?.seq ?? 0 }
    public var lastReceivedSeq: UInt64 { received.last?.seq ?? 0 }

    /// Sent messages the other side has not confirmed yet.
    public var unacked: ArraySlice<ChatRecord> {
        guard let i = sent.firstIndex(where: { $0.seq > acked }) else { return [] }
        return sent[i...]
    }
}
