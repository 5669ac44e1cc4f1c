import ConfChatTools
import Foundation
import Testing

/// The pool behind `confchat run --jobs` and `confchat chaos --jobs`: results in input order,
/// and a cancelled pool starts nothing more.
@Suite struct WorkerPoolTests {
    @Test("results come back in input order even when a later job finishes first")
    func inputOrder() {
        // Job 0 cannot finish before job 3 has: with a worker each, all four run at once.
        let lastDone = DispatchSemaphore(value: 0)
        let pool = WorkerPool(count: 4, workers: 4, name: "test") { i -> Int in
            if i == 0 { lastDone.wait() }
            if i == 3 { lastDone.signal() }
            return i * i
        }
        pool.start()
        #expect((0..<4).map { pool.wait(for: $0) } == [0, 1, 4, 9])
    }

    @Test("after cancel no further job starts, and waiting for one gives nil")
    func cancelStopsTakingJobs() {
        let started = Counter()
        let handle = PoolHandle()
        // One worker takes jobs one after another, so job 1 could only start after job 0
        // returned, and job 0 cancels the pool before it returns.
        let pool = WorkerPool(count: 5, workers: 1, name: "test") { i -> Int in
            started.add()
            if i == 0 { handle.pool?.cancel() }
            return i
        }
        handle.pool = pool
        pool.start()
        #expect(pool.wait(for: 0) == 0)
        #expect(pool.wait(for: 1) == nil)
        #expect(pool.wait(for: 4) == nil)
        #expect(started.value == 1)
    }

    final class PoolHandle: @unchecked Sendable {
        var pool: WorkerPool<Int>?
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.withLock { n += 1 } }
        var value: Int { lock.withLock { n } }
    }
}
