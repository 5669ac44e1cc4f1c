@testable import ConfChatCore
import Testing

/// The registry's request memory expires its oldest entries through this queue: it must give
/// them back in the order they came, across the compactions that keep it small.
@Suite struct FIFOQueueTests {
    @Test func givesBackInOrderAcrossCompactions() {
        var queue = FIFOQueue<Int>()
        var model: [Int] = []
        var next = 0
        var rng = SplitMix64(seed: 7)
        for _ in 0 ..< 20_000 {
            if rng.next() % 3 != 0 || model.isEmpty {
                queue.append(next); model.append(next); next += 1
            } else {
                #expect(queue.removeFirst() == model.removeFirst())
            }
            #expect(queue.count == model.count)
            #expect(queue.first == model.first)
        }
        while let x = queue.popFirst() { #expect(x == model.removeFirst()) }
        #expect(model.isEmpty && queue.isEmpty)
    }
}
