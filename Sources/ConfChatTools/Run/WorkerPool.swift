import Foundation

/// Runs independent jobs on worker threads and hands their results back in input order:
/// `confchat run --jobs` (one scenario a job) and `confchat chaos --jobs` (one seed a job).
///
/// Workers take jobs in index order, each job on one thread from start to end (a job owns
/// its simulator), so a job never waits for another. The caller asks for results in order
/// (`wait(for:)`) and prints them as they come, which makes the output the same whatever
/// the number of workers:
///
///     let pool = WorkerPool(count: seeds.count, workers: 4) { i in runSeed(seeds[i]) }
///     pool.start()
///     for i in seeds.indices { guard let r = pool.wait(for: i) else { break }; print(r) }
///
/// `cancel()` starts no further job; those running finish, and waiting for a job that never
/// started gives nil.
package final class WorkerPool<Result>: @unchecked Sendable {
    private let count: Int
    private let workers: Int
    private let name: String
    private let job: (Int) -> Result
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var next = 0
    private var results: [Result?]
    private var running: Set<Int> = []
    private var done = 0
    private var cancelled = false

    /// - Parameters:
    ///   - count: the jobs, numbered from 0.
    ///   - workers: threads; never more than there are jobs.
    ///   - name: the threads' name, numbered (`confchat-run-1`...), for debuggers.
    ///   - job: runs job `i` on the calling worker thread.
    package init(count: Int, workers: Int, name: String, job: @escaping (Int) -> Result) {
        self.count = count
        self.workers = max(1, min(workers, count))
        self.name = name
        self.job = job
        results = Array(repeating: nil, count: count)
    }

    package func start() {
        for n in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(n + 1)"
            // Room for the simulator's deeper call chains, as on the main thread.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            guard next < count, !cancelled else { condition.unlock(); return }
            let i = next
            next += 1
            running.insert(i)
            condition.broadcast()
            condition.unlock()

            let result = job(i)

            condition.lock()
            results[i] = result
            running.remove(i)
            done += 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Starts no further job; those running finish.
    package func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for job `index` and returns its result, or nil if the pool was cancelled before
    /// the job started. Meanwhile `progress(done, running)` is called on every change: how
    /// many jobs have finished and which are running.
    package func wait(for index: Int, progress: (_ done: Int, _ running: Set<Int>) -> Void = { _, _ in }) -> Result? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let r = results[index] { return r }
            if cancelled, index >= next { return nil }
            progress(done, running)
            condition.wait()
        }
    }
}
