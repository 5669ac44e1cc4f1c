@testable import ConfChatSimulator
import ConfChatCore
import Testing

/// The simulator hands a receiver its frames in the network's order, whatever order its
/// socket read them in: what a link's stash kept must come back exactly, in whatever order
/// the turns come (in place order on a perfect network, any order under latency), with the
/// places taken at once (never kept) left out.
@Suite struct LinkStashTests {
    @Test("each frame kept comes back once, at its place, taken in any order", arguments: [0, 1, 3])
    func takenInAnyOrder(shuffled: Int) {
        var stash = LinkStash()
        var kept: [UInt64: [UInt8]] = [:]  // the model: place -> frame
        var rng = SplitMix64(seed: UInt64(shuffled) + 5)
        var next: UInt64 = 0
        for _ in 0 ..< 5_000 {
            if rng.next() % 2 == 0 {
                // Read from the socket: kept, or (one in four) taken at once and never kept.
                let place = next
                next += 1
                guard rng.next() % 4 != 0 else { continue }
                let frame = [UInt8(truncatingIfNeeded: place), UInt8(truncatingIfNeeded: place >> 8)]
                stash.put(frame, at: place)
                kept[place] = frame
            } else if !kept.isEmpty {
                // In place order, or one of the first few kept (a later message arriving sooner).
                let place = kept.keys.sorted()[Int(rng.next() % UInt64(min(kept.count, shuffled + 1)))]
                #expect(stash.take(place) == kept.removeValue(forKey: place))
                #expect(stash.take(place) == nil, "a frame comes back once")
            }
            #expect(stash.isEmpty == kept.isEmpty)
        }
        for place in kept.keys.sorted().reversed() { #expect(stash.take(place) == kept[place]) }
        #expect(stash.isEmpty)
        #expect(stash.take(next) == nil)
    }
}
