/// The messages between a peer and one other user, both directions, in sequence order.
public struct Conversation: Hashable, Sendable {
    /// Sent messages, sorted by seq; normally 1, 2, 3..., with holes only after a restore
    /// from an incomplete backup (filled later from the other side, or skipped).
    public var sent: [ChatRecord] = []
    public var received: [ChatRecord] = []
    /// Highest seq of ours the other side confirmed (cumulative ack).
    public var acked: UInt64 = 0
    /// How many of `sent` are SKIP placeholders (only ever after a restore): lets the common
    /// case answer `contiguousSent` without a scan.
    public private(set) var sentSkips = 0
    /// After a restore: our seqs that were in the registry's mailbox (the LOGIN-REPLY's mail
    /// marks), and the highest the other side said it holds when we got in step (`sync`). We
    /// do not hold those messages, but the other side will: they are neither skipped nor
    /// taken by a new message.
    public var reserved: Set<UInt64> = []

    public init() {}

    public var lastSentSeq: UInt64 { sent.last?.seq ?? 0 }
    /// The seq a new message takes: after everything we hold and everything reserved.
    public var nextSentSeq: UInt64 { max(lastSentSeq, reserved.max() ?? 0) + 1 }
    public var lastReceivedSeq: UInt64 { received.last?.seq ?? 0 }

    /// The highest n such that messages 1...n are all held: what HELLO reports, so the other
    /// side fills any hole, not only what comes after the last message.
    /// Our own SKIP placeholders count as missing here: if the other side holds the real
    /// message after all, its HISTORY brings the text back.
    public var contiguousSent: UInt64 {
        if sentSkips == 0, let last = sent.last, last.seq == UInt64(sent.count) { return last.seq }
        return Self.contiguous(sent, skipsCount: false)
    }
    public var contiguousReceived: UInt64 { Self.contiguous(received, skipsCount: true) }

    /// Adds a stored message: appended (the usual case) or put in the hole it fills. A seq
    /// already held is left as it is. Returns whether `record` is what is held at its seq now.
    @discardableResult
    mutating func store(_ record: ChatRecord) -> Bool {
        if record.outgoing {
            if record.seq > lastSentSeq {  // the usual case: appended, nothing replaced
                sent.append(record)
                if record.isSkip { sentSkips += 1 }
                return true
            }
            let before = self.record(record.seq, outgoing: true)
            let held = Self.insert(record, into: &sent)
            countSkip(replacing: before, with: self.record(record.seq, outgoing: true))
            return held
        }
        return Self.insert(record, into: &received)
    }

    /// Raises the cumulative ack to `upTo`; an ack never goes down here (`resetAcked` does that).
    mutating func raiseAcked(to upTo: UInt64) {
        if upTo > acked { acked = upTo }
    }

    private mutating func countSkip(replacing old: ChatRecord?, with new: ChatRecord?) {
        if old?.isSkip == true { sentSkips -= 1 }
        if new?.isSkip == true { sentSkips += 1 }
    }

    mutating func overwrite(_ r: ChatRecord) {
        if r.outgoing {
            let before = record(r.seq, outgoing: true)
            Self.put(r, into: &sent)
            countSkip(replacing: before, with: r)
        } else {
            Self.put(r, into: &received)
        }
    }

    private static func put(_ r: ChatRecord, into list: inout [ChatRecord]) {
        let i = position(of: r.seq, in: list)
        if i < list.count, list[i].seq == r.seq { list[i] = r } else { list.insert(r, at: i) }
    }

    public func holds(_ seq: UInt64, outgoing: Bool) -> Bool { record(seq, outgoing: outgoing) != nil }

    /// Whether `seq` is held as a real message (not missing, not a SKIP placeholder).
    public func holdsReal(_ seq: UInt64, outgoing: Bool) -> Bool { record(seq, outgoing: outgoing).map { !$0.isSkip } ?? false }

    public func record(_ seq: UInt64, outgoing: Bool) -> ChatRecord? {
        let list = outgoing ? sent : received
        let i = Self.position(of: seq, in: list)
        return i < list.count && list[i].seq == seq ? list[i] : nil
    }

    /// Sent messages the other side has not confirmed yet.
    /// `sent` is in seq order, so the first past the mark is found by binary search, not by a
    /// scan of the whole history: the retry timer asks this of every contact each interval.
    public var unacked: ArraySlice<ChatRecord> {
        guard acked < .max else { return [] }
        return sent[Self.position(of: acked + 1, in: sent)...]
    }

    /// Whether some seq of ours from 1 to `upTo` has no record here, not even a SKIP: a hole
    /// the other side, which says it holds them all, can fill (HISTORY). Seqs start at 1 and
    /// are unique, so there is a hole exactly when fewer records than `upTo` lie at or below
    /// it (a binary search, asked of every friend at each heartbeat).
    public func lacksSent(upTo: UInt64) -> Bool {
        guard upTo > 0, upTo < .max else { return false }
        return UInt64(Self.position(of: upTo + 1, in: sent)) < upTo
    }

    /// Returns whether `r` is what `list` holds at its seq afterwards.
    private static func insert(_ r: ChatRecord, into list: inout [ChatRecord]) -> Bool {
        guard let last = list.last, r.seq <= last.seq else {
            list.append(r)
            return true
        }
        let i = position(of: r.seq, in: list)
        if i < list.count, list[i].seq == r.seq {
            if list[i].isSkip, !r.isSkip { list[i] = r }  // the real message replaces a placeholder
            return list[i] == r
        }
        list.insert(r, at: i)
        return true
    }

    /// The index of the first record with a seq at least `seq` (binary search).
    private static func position(of seq: UInt64, in list: [ChatRecord]) -> Int {
        list.lowerBound(of: seq) { $0.seq }
    }

    private static func contiguous(_ list: [ChatRecord], skipsCount: Bool) -> UInt64 {
        if skipsCount, let last = list.last, last.seq == UInt64(list.count) { return last.seq }
        var n: UInt64 = 0
        for r in list {
            guard r.seq == n + 1, skipsCount || !r.isSkip else { break }
            n += 1
        }
        return n
    }
}
