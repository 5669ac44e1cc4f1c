/// Emptied arrays kept for reuse by the drivers of many nodes that take turns: the
/// simulator's, which handle one input of one node at a time. A driver given a pool takes
/// its batch's buffer from it when the batch starts and puts it back, emptied, once the
/// batch is carried out, so a node holds no buffer between its batches.
///
/// Without a pool each driver keeps its own emptied storage (`NodeDriver`): as many as
/// there are nodes, each the size of the largest batch its node ever had (a login greeting
/// ten friends left about 2 KB a peer of effect storage in a 1,000-peer simulation). With
/// one, the simulator keeps as many as were ever in use at once: one or two while inputs
/// are handled one at a time; a grouped round (`NodeDriver.stage`) holds one a node that
/// handled inputs until it is released, as before.
public final class BufferPool<Element> {
    private var spare: [[Element]] = []

    public init() {}

    /// An empty buffer, with the storage of one put back earlier if there is one.
    func take() -> [Element] { spare.popLast() ?? [] }

    /// Keeps `buffer`'s storage, emptied, for the next `take`, and leaves `buffer` with none.
    func put(_ buffer: inout [Element]) {
        guard buffer.capacity > 0 else { return }
        buffer.removeAll(keepingCapacity: true)
        var kept: [Element] = []
        swap(&kept, &buffer)
        spare.append(kept)
    }
}
