extension ChatRecord {
    /// A stored message's identity within one peer: the other side, the direction and the
    /// seq. What the prompt orders messages by (its ledger) and what a peer's SQLite store
    /// reports its storing order and times by.
    public struct Key: Hashable, Sendable {
        public var peer: String
        public var outgoing: Bool
        public var seq: UInt64

        public init(peer: String, outgoing: Bool, seq: UInt64) {
            self.peer = peer
            self.outgoing = outgoing
            self.seq = seq
        }
    }

    public var key: Key { Key(peer: peer, outgoing: outgoing, seq: seq) }
}
