import ConfChatCore
@testable import ConfChatTools
import Testing

/// How the runner's proxy cuts a ZMTP 3 stream into units: the same units whatever the
/// bytes' split, a message per MESSAGE command (CURVE) or per multi-frame message (no
/// mechanism), and a clear error, never a crash or an unbounded buffer, for bytes that are
/// not ZMTP 3.
@Suite struct ZMTPFramerTests {
    static let greeting: [UInt8] = [0xFF] + [UInt8](repeating: 0, count: 8) + [0x7F, 3, 0]
        + Array("CURVE".utf8) + [UInt8](repeating: 0, count: 15) + [0] + [UInt8](repeating: 0, count: 31)

    static func command(_ name: String, _ data: [UInt8]) -> [UInt8] {
        let body = [UInt8(name.utf8.count)] + Array(name.utf8) + data
        return [0x04, UInt8(body.count)] + body
    }

    static func frame(_ body: [UInt8], more: Bool = false) -> [UInt8] {
        [more ? 0x01 : 0x00, UInt8(body.count)] + body
    }

    /// Feeds `bytes` in pieces of `piece` bytes; every unit, in order.
    static func units(_ bytes: [UInt8], piece: Int) throws -> [ZMTPFramer.Unit] {
        var framer = ZMTPFramer()
        var units: [ZMTPFramer.Unit] = []
        var i = 0
        while i < bytes.count {
            units += try framer.feed(bytes[i..<min(bytes.count, i + piece)])
            i += piece
        }
        return units
    }

    static func messages(_ units: [ZMTPFramer.Unit]) -> [[UInt8]] {
        units.compactMap { if case let .message(m) = $0 { m } else { nil } }
    }

    static func controlBytes(_ units: [ZMTPFramer.Unit]) -> [UInt8] {
        units.flatMap { if case let .control(c) = $0 { c } else { [UInt8]() } }
    }

    @Test("a CURVE stream: the greeting and handshake commands pass, each MESSAGE is a message, whatever the split")
    func curveStream() throws {
        let ready = Self.command("READY", Array(repeating: 7, count: 30))
        let m1 = Self.command("MESSAGE", Array(repeating: 1, count: 40))
        let m2 = Self.command("MESSAGE", Array(repeating: 2, count: 200))
        let stream = Self.greeting + ready + m1 + m2
        for piece in [1, 2, 7, 64, 65, stream.count] {
            let units = try Self.units(stream, piece: piece)
            #expect(Self.controlBytes(units) == Self.greeting + ready, "piece \(piece)")
            #expect(Self.messages(units) == [m1, m2], "piece \(piece)")
        }
    }

    @Test("without a mechanism, the data frames up to one without MORE make one message")
    func multiFrame() throws {
        let parts = Self.frame([1, 2], more: true) + Self.frame([3], more: true) + Self.frame([4])
        let units = try Self.units(Self.greeting + parts + Self.frame([9]), piece: 3)
        #expect(Self.messages(units) == [parts, Self.frame([9])])
    }

    @Test("a long frame (8-byte size) is one unit")
    func longFrame() throws {
        let body = [UInt8(7)] + Array("MESSAGE".utf8) + [UInt8](repeating: 5, count: 300)
        let long: [UInt8] = [0x06, 0, 0, 0, 0, 0, 0, 0x01, UInt8(body.count - 256)] + body
        #expect(Self.messages(try Self.units(Self.greeting + long, piece: 100)) == [long])
    }

    @Test("bytes that are not ZMTP 3 are refused with what is wrong", arguments: [
        ([0x16, 0x03, 0x01], "not a ZMTP greeting (byte 0 is 22)"),
        ([0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7E], "not a ZMTP greeting (byte 9 is 126)"),
        ([0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 2], "ZMTP version 2 (the proxy carries ZMTP 3 only)"),
    ] as [([UInt8], String)])
    func badGreeting(bytes: [UInt8], message: String) {
        var framer = ZMTPFramer()
        #expect(throws: ZMTPFramer.FramingError(description: message)) { _ = try framer.feed(bytes[...]) }
    }

    @Test("hostile frames after the greeting are refused, none held beyond the bound", arguments: [
        ([0x80, 1, 0], "frame flags 128 set reserved bits"),
        ([0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "a frame of 18446744073709551615 bytes (the proxy holds frames of up to 1000)"),
        ([0x04, 3, 9, 0x41, 0x42], "a command frame too short for its name"),
        ([0x01, 1, 0, 0x04, 2, 1, 0x41], "a command inside a multi-frame message"),
        ([0x01, 200] + [UInt8](repeating: 0, count: 200) + [0x01, 200] + [UInt8](repeating: 0, count: 200)
            + [0x01, 200] + [UInt8](repeating: 0, count: 200) + [0x01, 200] + [UInt8](repeating: 0, count: 200)
            + [0x01, 200] + [UInt8](repeating: 0, count: 200),
         "a message of over 1000 bytes (the proxy holds messages of up to 1000)"),
    ] as [([UInt8], String)])
    func badFrames(bytes: [UInt8], message: String) throws {
        var framer = ZMTPFramer(maxFrame: 1000)
        _ = try framer.feed(Self.greeting[...])
        #expect(throws: ZMTPFramer.FramingError(description: message)) { _ = try framer.feed(bytes[...]) }
    }

    @Test("random bytes after a greeting: units or a framing error, and never more held than one frame")
    func randomBytes() {
        var random = SplitMix64(seed: 14)
        for _ in 0..<2000 {
            var framer = ZMTPFramer(maxFrame: 4096)
            _ = try? framer.feed(Self.greeting[...])
            let bytes = (0..<Int(random.next() % 600)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var i = 0
            while i < bytes.count {
                let n = 1 + Int(random.next() % 50)
                do {
                    _ = try framer.feed(bytes[i..<min(bytes.count, i + n)])
                } catch {
                    break
                }
                #expect(framer.held <= 4096 + 9)
                i += n
            }
        }
    }
}
