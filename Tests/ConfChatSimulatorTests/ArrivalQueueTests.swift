@testable import ConfChatSimulator
import ConfChatCore
import Testing

/// The simulator handles messages in the order this queue gives them back, so it must give
/// them back least first, as a heap would, whether they came in order (a perfect network)
/// or not (latency, duplicates), across removals of a node's messages.
@Suite struct ArrivalQueueTests {
    @Test("least first, in order or not, across removals", arguments: [0, 1, 4])
    func leastFirst(outOfOrderOneIn: Int) {
        var queue = ArrivalQueue<Int>()
        var model: [Int] = []  // kept sorted
        var rng = SplitMix64(seed: UInt64(outOfOrderOneIn) + 11)
        var clock = 0
        for step in 0 ..< 20_000 {
            switch rng.next() % 8 {
            case 0 ..< 4:
                clock += Int(rng.next() % 3)
                // Now and then, one that arrives before what is already queued.
                let early = outOfOrderOneIn > 0 && rng.next() % UInt64(outOfOrderOneIn) == 0
                let x = early ? clock - Int(rng.next() % 50) : clock
                queue.insert(x)
                model.insert(x, at: model.firstIndex { $0 > x } ?? model.endIndex)
            case 4 ..< 7:
                #expect(queue.popMin() == (model.isEmpty ? nil : model.removeFirst()))
            default:
                if step % 5 == 0 {
                    let odd = { (x: Int) in x % 2 != 0 }
                    queue.removeAll(where: odd)
                    model.removeAll(where: odd)
                }
            }
            #expect(queue.min == model.first)
            #expect(queue.isEmpty == model.isEmpty)
        }
        while let x = queue.popMin() { #expect(x == model.removeFirst()) }
        #expect(model.isEmpty)
    }
}
