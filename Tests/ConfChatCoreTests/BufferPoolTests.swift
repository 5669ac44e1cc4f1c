import ConfChatCore
import ConfChatDriver
import Testing

/// The drivers' shared buffers (`BufferPool`): a batch's effects stay in its buffer after it
/// is carried out until the pool is swept (the simulator sweeps once the network has
/// settled), and no more than a handful of buffers wait for a sweep.
@Suite("Buffer pool")
struct BufferPoolTests {
    /// Counts the effects alive: each effect holds a token, freed with the effect.
    final class Census {
        var alive = 0
    }

    final class Token {
        let census: Census
        init(_ census: Census) {
            self.census = census
            census.alive += 1
        }
        deinit { census.alive -= 1 }
    }

    /// For each input: one effect that is neither a write nor a send, holding a token.
    struct Noter: DrivenMachine {
        enum Effect { case note(Token) }
        let census: Census
        mutating func handle(_ n: Int, now: SimInstant, into effects: inout [Effect]) {
            effects.append(.note(Token(census)))
        }
        static func kind(of e: Effect) -> EffectKind { .other }
        static func withMutation(of e: Effect, _ body: (Int) throws -> Void) rethrows {}
        static func withMessage(of e: Effect, _ body: (Address, WireMessage) throws -> Void) rethrows {}
    }

    final class Nowhere: NodeStore, Transport {
        func apply(_ mutations: [Int]) throws {}
        func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome { .sent }
    }

    func drivers(_ count: Int, _ census: Census, _ pool: BufferPool<Noter.Effect>) -> [NodeDriver<Noter>] {
        let nowhere = Nowhere()
        return (0..<count).map { i in
            NodeDriver(name: "n\(i)", machine: Noter(census: census), store: nowhere, transport: nowhere,
                       perform: { _ in }, pool: pool)
        }
    }

    @Test("a carried-out batch's effects are freed at the sweep, not at its commit")
    func freedAtSweep() throws {
        let census = Census()
        let pool = BufferPool<Noter.Effect>()
        let nodes = drivers(2, census, pool)
        try nodes[0].run(1, now: .zero)
        try nodes[1].run(2, now: .zero)
        #expect(census.alive == 2)
        pool.sweep()
        #expect(census.alive == 0)
        // Swept buffers are taken again, and their next batches wait for the next sweep.
        try nodes[0].run(3, now: .zero)
        #expect(census.alive == 1)
        pool.sweep()
        #expect(census.alive == 0)
    }

    @Test("without a sweep, a handful of batches wait: the next batches empty one of them")
    func boundedWithoutSweep() throws {
        let census = Census()
        let pool = BufferPool<Noter.Effect>()
        let nodes = drivers(3, census, pool)
        for n in 0..<100 { try nodes[n % 3].run(n, now: .zero) }
        #expect(census.alive <= 4)
        #expect(census.alive >= 1)
        pool.sweep()
        #expect(census.alive == 0)
    }
}
