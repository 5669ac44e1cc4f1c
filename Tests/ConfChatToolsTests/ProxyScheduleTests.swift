@testable import ConfChatTools
import Testing

/// How the runner's proxy schedules delayed messages, on the computed times alone (no
/// sockets, no clock): a `network` latency is scenario time divided by `--time-scale`,
/// counted once from each message's own reading, and a connection keeps its order.
struct ProxyScheduleTests {
    /// What the direction has released so far.
    static func released(_ d: ProxyLink.Direction) -> [UInt8] { Array(d.out[d.outStart...]) }

    @Test("a latency of 1 s at --time-scale 5 is 0.2 s of real time, once")
    func scaledOnce() {
        #expect(abs(NetworkProxy.due(readAt: 100, delayMs: 1000, timeScale: 5) - 100.2) < 1e-9)
        #expect(NetworkProxy.due(readAt: 100, delayMs: 0, timeScale: 5) == 100)
    }

    @Test("messages read one after another are each due their delay after their own reading, not after the one before")
    func noHeadOfLineSum() {
        var d = ProxyLink.Direction(from: "bob", to: "carol")
        for (i, t) in [10.0, 10.01, 10.02].enumerated() {
            d.schedule([UInt8(i)], due: NetworkProxy.due(readAt: t, delayMs: 1000, timeScale: 5))
        }
        d.release(now: 10.19)
        #expect(Self.released(d).isEmpty, "nothing before its delay")
        d.release(now: 10.2201)
        #expect(Self.released(d) == [0, 1, 2], "all three 0.2 s after they came, not 0.2, 0.4 and 0.6 s")
        #expect(d.nextDue == nil)
    }

    @Test("a message with a shorter delay waits for the one before it on the same connection")
    func orderKept() {
        var d = ProxyLink.Direction(from: "bob", to: "carol")
        d.schedule([1], due: NetworkProxy.due(readAt: 10, delayMs: 1000, timeScale: 5))
        d.schedule([2], due: NetworkProxy.due(readAt: 10.01, delayMs: 100, timeScale: 5))
        d.release(now: 10.1)
        #expect(Self.released(d).isEmpty, "the second is not let past the first")
        d.release(now: 10.2001)
        #expect(Self.released(d) == [1, 2])
    }
}
