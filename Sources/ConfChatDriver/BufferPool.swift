/// Arrays kept for reuse by the drivers of many nodes that take turns: the
/// simulator's, which handle one input of one node at a time. A driver given a pool takes
/// its batch's buffer from it when the batch starts and puts it back once the batch is
/// carried out, so a node holds no buffer between its batches.
///
/// Without a pool each driver keeps its own emptied storage (`NodeDriver`): as many as
/// there are nodes, each the size of the largest batch its node ever had (a login greeting
/// ten friends left about 2 KB a peer of effect storage in a 1,000-peer simulation). With
/// one, the simulator keeps as many as were ever in use at once, and up to `unsweptLimit`
/// more: a grouped round (`NodeDriver.stage`) holds one a node that handled inputs until it
/// is released, as before.
///
/// A buffer comes back full: emptying it (a release of every message, record and string of
/// its batch) waits for `sweep`, which the simulator calls once the network has settled.
/// When each was emptied as it came back, alice's batch was released between her CHAT
/// leaving and bob handling it, where two processes would do both at the same time: work
/// on the path of every delivery that the message does not need (1.0 k instructions of the
/// 27.2 k a light-load message ran before its delivery; performance.md, "What was changed
/// for speed", 86).
public final class BufferPool<Element> {
    /// Buffers with storage and no elements, ready for `take`.
    private var spare: [[Element]] = []
    /// Buffers put back since the last `sweep`, their batches' effects still in them.
    private var unswept: [[Element]] = []

    /// How many buffers wait for `sweep` at most: past it, `take` empties one itself (a
    /// settling of thousands of inputs keeps a handful of buffers, not one an input).
    static var unsweptLimit: Int { 4 }

    public init() {}

    /// An empty buffer: with the storage of one emptied earlier if there is one; a new one
    /// while few wait for `sweep`; else one of those, emptied here.
    func take() -> [Element] {
        if let buffer = spare.popLast() { return buffer }
        guard unswept.count >= Self.unsweptLimit else { return [] }
        var buffer = unswept.removeLast()  // which one does not matter: the last moves nothing
        buffer.removeAll(keepingCapacity: true)
        return buffer
    }

    /// Keeps `buffer`'s storage for a later `take`, its elements until the next `sweep`, and
    /// leaves `buffer` with none.
    func put(_ buffer: inout [Element]) {
        guard buffer.capacity > 0 else { return }
        var kept: [Element] = []
        swap(&kept, &buffer)
        unswept.append(kept)
    }

    /// Empties the buffers put back since the last sweep, for `take`: for a moment when
    /// nothing waits on the thread (the simulator's, once the network has settled).
    public func sweep() {
        while var buffer = unswept.popLast() {
            buffer.removeAll(keepingCapacity: true)
            spare.append(buffer)
        }
    }
}
