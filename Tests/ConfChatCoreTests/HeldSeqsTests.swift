@testable import ConfChatCore
import Testing

/// The registry tells a repeated backup entry from a new one by `HeldSeqs`, a run from 1 and
/// the seqs that came before their turn: it must answer as a set of every seq added does,
/// whatever the order, and seq 0 and the largest seq included.
@Suite struct HeldSeqsTests {
    @Test("held seqs answer as a set, in order, out of order, repeated and at the extremes")
    func asASet() {
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        for round in 0 ..< 40 {
            var held = HeldSeqs(), model: Set<UInt64> = []
            var wrong: [UInt64] = []
            for i in 0 ..< 300 {
                x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                // Mostly the next seq, else one a little ahead or behind, at times 0 or the top.
                let seq: UInt64 = switch (x >> 56) % 10 {
                case 0: (x >> 20) % 400
                case 1: round % 2 == 0 ? 0 : .max - (x >> 60)
                default: UInt64(i / 2 + 1)
                }
                if held.insert(seq) != model.insert(seq).inserted { wrong.append(seq) }
            }
            for seq in [0, 1, 2, 150, 299, 300, 301, 399, 400, .max - 16, .max - 1, .max] as [UInt64]
            where held.contains(seq) != model.contains(seq) {
                wrong.append(seq)
            }
            #expect(wrong == [], "round \(round)")
        }
    }

    @Test("a run reaches the top seq and stops there")
    func runToTheTop() {
        var held = HeldSeqs()
        let added = [held.insert(.max), held.insert(.max - 1), held.insert(.max)]
        #expect(added == [true, true, false])
        #expect(held.contains(.max) && held.contains(.max - 1) && !held.contains(1))
        let run = (1 ... 5 as ClosedRange<UInt64>).map { held.insert($0) } + [held.insert(3)]
        #expect(run == [true, true, true, true, true, false])
        #expect(held.contains(5) && !held.contains(6) && !held.contains(0))
    }
}
