import ConfChatScenario
import Foundation

/// `--jobs N`: N threads take scenarios in input order, each running its own simulator
/// (unique inproc names, ipc folders and tcp ports come from `SimTransport`); the main
/// thread waits for results in input order.
final class JobPool: @unchecked Sendable {
    private let plan: RunPlan
    private let workers: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var next = 0
    private var results: [ScenarioResult?]
    private var running: Set<Int> = []
    private var done = 0
    private var cancelled = false

    init(plan: RunPlan, workers: Int) {
        self.plan = plan
        self.workers = workers
        results = Array(repeating: nil, count: plan.scenarios.count)
    }

    func start() {
        for n in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.name = "confchat-run-\(n + 1)"
            // Room for the simulator's deeper call chains, as on the main thread.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            guard next < plan.scenarios.count, !cancelled else { condition.unlock(); return }
            let i = next
            next += 1
            running.insert(i)
            condition.broadcast()
            condition.unlock()

            let result = plan.execute(plan.scenarios[i], live: nil)

            condition.lock()
            results[i] = result
            running.remove(i)
            done += 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Starts no further scenario (`--exitfirst` after a failure); those running finish.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.unlock()
    }

    /// Waits for scenario `index`; `progress(done, oldest running)` on every change meanwhile.
    func wait(for index: Int, progress: (Int, String) -> Void) -> ScenarioResult {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let r = results[index] { return r }
            let oldest = running.min().map { plan.scenarios[$0].path } ?? plan.scenarios[index].path
            let others = max(running.count - 1, 0)
            progress(done, oldest + (others > 0 ? " (+\(others) more)" : ""))
            condition.wait()
        }
    }
}
