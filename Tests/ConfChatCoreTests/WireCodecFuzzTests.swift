import ConfChatCore
import Testing

/// Seeded garbage: whatever the bytes, `decode` either throws `WireError` or returns a message
/// that encodes back to exactly those bytes (the format has one encoding for each message).
@Suite("Wire codec: random frames")
struct WireCodecFuzzTests {
    enum Shape: CaseIterable { case anything, validHeader, mutatedSample, truncatedSample }

    @Test(arguments: [0x5EED as UInt64, 1, 0xC0FF_EE00_DEAD_BEEF])
    func garbageNeverCrashesAndDecodesCanonically(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let kinds = MessageKind.allCases.map(\.rawValue)
        let samples = try WireSamples.all.map { try WireCodec.encode($0) }.filter { $0.count < 4096 }
        var decoded = 0, rejected = 0
        for _ in 0..<20_000 {
            var frame: [UInt8]
            switch Shape.allCases.randomElement(using: &rng)! {
            case .anything:
                frame = (0..<Int.random(in: 0...48, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case .validHeader:
                frame = WireCodec.signature + [WireCodec.version, kinds.randomElement(using: &rng)!]
                // Small values are likelier than large ones, so some lengths and counts line up.
                let high: UInt8 = Bool.random(using: &rng) ? 3 : 255
                frame += (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...high, using: &rng) }
            case .mutatedSample:
                frame = samples.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    frame[Int.random(in: 0..<frame.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case .truncatedSample:
                let s = samples.randomElement(using: &rng)!
                frame = Array(s.prefix(Int.random(in: 0...s.count, using: &rng)))
                if Bool.random(using: &rng) { frame.append(UInt8.random(in: 0...255, using: &rng)) }
            }
            do {
                let message = try WireCodec.decode(frame)
                decoded += 1
                let again = try WireCodec.encode(message)
                if again != frame {
                    Issue.record("\(frame) decoded to \(message), which encodes to \(again)")
                    return
                }
            } catch {
                rejected += 1
            }
        }
        // The loop must exercise both outcomes, or it proves little.
        #expect(decoded > 500, "only \(decoded) frames decoded")
        #expect(rejected > 5_000, "only \(rejected) frames rejected")
    }
}
