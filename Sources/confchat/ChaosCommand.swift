import ArgumentParser
import ConfChatScenario
import ConfChatSimulator
import ConfChatTools
import Foundation

/// `confchat chaos`: seeded randomized fault runs that check the delivery, presence and
/// sync guarantees, and write a shrunk reproduction for every violation.
struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run seeded random fault schedules and check the guarantees after each.",
        discussion: """
            Each seed builds a fresh simulated network: peers registered, logged in and \
            befriended at random, then random sends mixed with logins, logouts, crashes \
            (between inputs and part way through one), restarts, wipes, partitions and \
            registry outages. At the end everything is \
            brought back and given time to converge, and every accepted message must be \
            held by its recipient exactly once, in the order sent; logged-in friends must \
            see each other online; friend lists must match the registry's.

            A violation prints the seed and writes a shrunk scenario that reproduces it, \
            chaos-seed-N.scenario, to --out. Exit status: 0 no violation, 1 any violation.

            Examples:
              confchat chaos --seeds 300
              confchat chaos --first-seed 5000 --seeds 1000 --peers 6 --steps 120 --out failures/
              confchat chaos --first-seed 17 --seeds 1 --verbose      one seed, step by step
            See docs/chaos.md.
            """)

    /// The most seeds one command runs: the results of every seed are held until printed in
    /// order, and at a few hundredths of a second a seed this is already days of work.
    static let maxSeeds = 1_000_000

    @Option(help: "How many seeds to run (at most 1,000,000).")
    var seeds: Int = 100

    @Option(name: .customLong("first-seed"), help: "The first seed; seeds run from here upwards.")
    var firstSeed: UInt64 = 1

    @Option(help: "Virtual peers a run.")
    var peers: Int = 4

    @Option(help: "Random steps a run, after the set-up.")
    var steps: Int = 60

    @Option(help: "ZeroMQ transport: inproc, ipc or tcp.")
    var transport: TransportKind = .inproc

    @Option(help: ArgumentHelp("A fault to leave out: crash, wipe, partition, registry, logout or mid-input (repeatable).",
                               valueName: "fault"))
    var without: [ChaosFault] = []

    @Option(help: "Folder for the reproductions of violations.")
    var out: String = "."

    @Option(help: "Seeds run at once, on this many threads.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print every statement of every run, and shrinking progress.")
    var verbose = false

    @Flag(name: .customLong("no-shrink"), help: "Write reproductions without shrinking them.")
    var noShrink = false

    @Flag(help: "Random steps also change the network's conditions: latency ranges, loss and duplication phases, for the whole network and single links.")
    var network = false

    @Flag(name: .customLong("break-dedupe"), help: .hidden)
    var breakDedupe = false

    @Flag(name: .customLong("break-hold-back"), help: .hidden)
    var breakHoldBack = false

    @Flag(name: .customLong("break-write-first"), help: .hidden)
    var breakWriteFirst = false

    @Option(help: .hidden)
    var replay: String?

    func validate() throws {
        guard (0...Self.maxSeeds).contains(seeds) else { throw ValidationError("--seeds must be between 0 and 1,000,000") }
        guard (1...200).contains(peers) else { throw ValidationError("--peers must be between 1 and 200") }
        guard steps >= 0 else { throw ValidationError("--steps must be 0 or more") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be 1 or more") }
        // Checked now, not when the first violation is written, maybe hours into the run.
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("--out \(out): it is a file; give a folder for the reproductions")
        }
        if let reason = RunCommand.unwritableReason((out as NSString).appendingPathComponent("chaos-seed-\(firstSeed).scenario")) {
            throw ValidationError("--out \(out): \(reason)")
        }
    }

    func run() throws {
        if let replay { return try replayFile(replay) }
        var options = ChaosOptions(peers: peers, steps: steps, transport: transport, dedupe: !breakDedupe,
                                   faults: Set(ChaosFault.allCases).subtracting(without))
        options.network = network
        options.holdBack = !breakHoldBack
        options.writesFirst = !breakWriteFirst
        let seedList = (0..<UInt64(seeds)).compactMap { i -> UInt64? in
            let (seed, overflow) = firstSeed.addingReportingOverflow(i)
            return overflow ? nil : seed
        }
        let start = Date()
        // Seeds are independent: run them on `jobs` threads, print their blocks in seed order.
        // The first seed that ends in an error stops the run: no further seed starts, those
        // running finish and print, then the error is raised.
        let pool = WorkerPool(count: seedList.count, workers: jobs, name: "confchat-chaos") { i in
            runSeed(seedList[i], options: options)
        }
        pool.start()
        var results: [SeedResult] = []
        var failure: ChaosFailure?
        for i in seedList.indices {
            guard let r = pool.wait(for: i) else { break }
            r.lines.forEach(Console.out)
            results.append(r)
            if let e = r.error, failure == nil {
                failure = ChaosFailure(message: e)
                pool.cancel()
            }
        }
        if let failure { throw failure }
        let failed = results.filter { !$0.passed }.count
        let totalSteps = results.reduce(0) { $0 + $1.steps }
        let messages = results.reduce(0) { $0 + $1.messages }
        let excused = results.reduce(0) { $0 + $1.excused }
        let elapsed = Date().timeIntervalSince(start)
        var summary = "\(Self.count(seedList.count)) seeds, \(Self.count(failed)) violation\(failed == 1 ? "" : "s") "
            + "(\(Self.count(totalSteps)) steps, \(Self.count(messages)) messages checked"
        if excused > 0 { summary += ", \(Self.count(excused)) lost to wipes" }
        summary += ") in \(String(format: "%.1f", elapsed)) s"
        Console.out(summary)
        if failed > 0 { throw ExitCode(1) }
    }

    /// What one seed printed and counted.
    struct SeedResult: Sendable {
        var lines: [String] = []
        var passed = true
        var steps = 0
        var messages = 0
        var excused = 0
        var error: String?
    }

    struct ChaosFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private func runSeed(_ seed: UInt64, options: ChaosOptions) -> SeedResult {
        var r = SeedResult()
        do {
            if verbose { r.lines.append("== seed \(seed)") }
            var log: [String] = []
            let report = try Chaos.run(seed: seed, options: options, log: verbose ? { log.append($0) } : nil)
            r.lines += log
            r.steps = report.randomSteps
            r.messages = report.messagesChecked
            r.excused = report.excused.count
            if verbose {
                for (text, why) in report.excused.sorted(by: { $0.key < $1.key }) { r.lines.append("  excused \(text): \(why)") }
            }
            guard !report.passed else { return r }
            r.passed = false
            r.lines.append(Console.paint("seed \(seed): VIOLATION", "31;1"))
            for v in report.violations { r.lines.append("  \(v)") }
            var progress: [String] = []
            let repro = try Chaos.reproduce(report, options: options, shrink: !noShrink,
                                            progress: verbose ? { progress.append("  " + $0) } : nil)
            r.lines += progress
            if let repro { r.lines += try write(repro, seed: seed) }
        } catch {
            r.error = "seed \(seed): \(error)"
        }
        return r
    }

    private func write(_ repro: ChaosReproduction, seed: UInt64) throws -> [String] {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let path = (out as NSString).appendingPathComponent("chaos-seed-\(seed).scenario")
        try repro.text.write(toFile: path, atomically: true, encoding: .utf8)
        let shrunk = repro.shrunkCount < repro.originalCount
            ? "shrunk from \(repro.originalCount) to \(repro.shrunkCount) statements in \(repro.attempts) runs"
            : "\(repro.originalCount) statements, not shrunk"
        var lines = ["  wrote \(path) (\(shrunk))"]
        if !repro.confirmed {
            lines.append("  warning: running the file alone did not fail on its expect line; it may not reproduce")
        }
        return lines
    }

    /// `--replay FILE`: runs a reproduction with the fault-injection switches of this command.
    private func replayFile(_ path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            Console.error("\(path): cannot read: \(error)")
            throw ExitCode(2)
        }
        let outcome: ScenarioOutcome
        do { outcome = try Chaos.runScenario(text: text, path: path, dedupe: !breakDedupe, holdBack: !breakHoldBack,
                                                writesFirst: !breakWriteFirst, transport: transport) } catch let e as ScenarioErrors {
            e.diagnostics.forEach { Console.error($0.rendered()) }
            throw ExitCode(2)
        }
        if outcome.passed {
            Console.out("\(Console.paint("PASS", "32")) \(path)")
        } else {
            Console.out("\(Console.paint("FAIL", "31;1")) \(path)")
            for f in outcome.failures { Console.out("  " + f.description.replacingOccurrences(of: "\n", with: "\n  ")) }
            throw ExitCode(1)
        }
    }

    /// 18000 -> "18,000".
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}

extension ChaosFault: ExpressibleByArgument {}
