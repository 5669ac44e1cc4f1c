import ConfChatCore
import ConfChatScenario
import ConfChatSimulator

/// A reproduction of a chaos violation: a scenario file that `confchat run` fails.
public struct ChaosReproduction: Sendable {
    /// The scenario file's text.
    public var text: String
    /// The violation it shows (as found again on the shrunk run).
    public var violation: ChaosViolation
    /// Set-up and random statements (the final phase not counted) before and after shrinking.
    public var originalCount: Int
    public var shrunkCount: Int
    /// Candidates tried while shrinking.
    public var attempts: Int
    /// `ScenarioRunner`, run on the file's text alone, failed on the violation's `expect` line.
    public var confirmed: Bool
    /// What the runner reported for that line.
    public var runnerFailure: String?
}

extension Chaos {
    /// Turns a failing run into a small scenario file that still fails the same way.
    ///
    /// A candidate (the statements with some removed) is kept only when both hold:
    /// replaying it and running the checks finds the same violation (same guarantee, same
    /// pair, same kind of problem), and the scenario text rendered from that replay, parsed
    /// with `ScenarioLoader.parse` and run by `ScenarioRunner`, fails first on that
    /// violation's `expect` line. Removals are tried in halving chunks down to single
    /// statements until none helps; then waits are shortened, fault points moved to earlier
    /// steps, and unused peers dropped.
    /// `target` picks the violation to keep (default: the first the checks found).
    public static func reproduce(_ report: ChaosReport, options: ChaosOptions, target: ChaosViolation? = nil,
                                 shrink: Bool = true, maxAttempts: Int = 2000,
                                 progress: ((String) -> Void)? = nil) throws -> ChaosReproduction? {
        guard let target = target ?? report.violations.first else { return nil }
        var shrinker = Shrinker(seed: report.seed, options: options, target: target)
        guard var best = shrinker.attempt(Array(report.statements.prefix(report.prefixCount))) else {
            // Not reproducible through the runner: hand back the unshrunk run, marked as such.
            let header = headerLines(report.seed, options: options, target: target, original: report.prefixCount,
                                     shrunk: report.prefixCount, confirmed: false)
            return ChaosReproduction(text: report.scenario(options: options, header: header), violation: target,
                                     originalCount: report.prefixCount, shrunkCount: report.prefixCount,
                                     attempts: shrinker.attempts, confirmed: false, runnerFailure: nil)
        }
        if shrink {
            best = shrinker.minimize(best, maxAttempts: maxAttempts, progress: progress)
        }
        // Counted as in the report: the set-up and random steps, without the final phase.
        let header = headerLines(report.seed, options: options, target: best.violation, original: report.prefixCount,
                                 shrunk: best.prefix.count, confirmed: true)
        let text = render(seed: report.seed, options: options, statements: best.statements, refusals: best.refusals,
                          expectations: best.expectations, header: header).text
        // The file as written, header included, once more through the runner.
        let final = try runScenario(text: text, path: "chaos-seed-\(report.seed).scenario", dedupe: options.dedupe,
                                    holdBack: options.holdBack, writesFirst: options.writesFirst)
        let confirmed = final.failures.first.map {
            best.expectations.isEmpty ? $0.detail.hasPrefix("simulator error") : $0.location.line == best.expectLine(in: text)
        } ?? false
        return ChaosReproduction(text: text, violation: best.violation, originalCount: report.prefixCount,
                                 shrunkCount: best.prefix.count, attempts: shrinker.attempts, confirmed: confirmed,
                                 runnerFailure: final.failures.first?.description)
    }

    static func headerLines(_ seed: UInt64, options: ChaosOptions, target: ChaosViolation, original: Int, shrunk: Int,
                            confirmed: Bool) -> [String] {
        var flags = "--first-seed \(seed) --seeds 1 --peers \(options.peers) --steps \(options.steps)"
        if options.transport != .inproc { flags += " --transport \(options.transport.rawValue)" }
        for f in ChaosFault.allCases where !options.faults.contains(f) { flags += " --without \(f.rawValue)" }
        if options.network { flags += " --network" }
        if !options.dedupe { flags += " --break-dedupe" }
        if !options.holdBack { flags += " --break-hold-back" }
        if !options.writesFirst { flags += " --break-write-first" }
        var lines = [
            "Found by `confchat chaos \(flags)`.",
            "Violated: \(target)",
        ]
        lines.append(shrunk < original ? "Shrunk from \(original) to \(shrunk) statements." : "Not shrunk (\(original) statements).")
        let file = "chaos-seed-\(seed).scenario"
        let switches = (options.dedupe ? [] : ["--break-dedupe"]) + (options.holdBack ? [] : ["--break-hold-back"])
            + (options.writesFirst ? [] : ["--break-write-first"])
        if !switches.isEmpty {
            let named = switches.joined(separator: " ")
            // A correct build may refuse other lines of the file (with --break-write-first a
            // send can be confirmed before a crash that a correct build confirms after), so
            // what it is promised is the violation's absence, not a pass.
            lines.append("Found with the fault-injection switch \(named): a correct build does not show this violation.")
            lines.append("Replay with the switch: confchat chaos --replay \(file) \(named)")
        } else {
            lines.append("Replay: confchat run \(file)   (add --trace to watch the message flow)")
        }
        if !confirmed { lines.append("WARNING: the runner did not fail this file on the expected line.") }
        lines.append("")
        return lines
    }

    /// Parses and runs a scenario text with `ScenarioRunner` (in memory), the knobs applied.
    public static func runScenario(text: String, path: String, dedupe: Bool = true, holdBack: Bool = true,
                                   writesFirst: Bool = true, transport: TransportKind? = nil) throws -> ScenarioOutcome {
        let scenario = try ScenarioLoader.parse(source: text, path: path)
        let runner = try ScenarioRunner(scenario: scenario, options: .init(transport: transport))
        runner.simulator?.dedupe = dedupe
        runner.simulator?.holdBack = holdBack
        runner.simulator?.writesFirst = writesFirst
        runner.simulator?.settleLimit = 20_000  // as in chaos runs: a livelock fails, it does not hang
        return runner.run()
    }

    struct Candidate {
        /// The shrinkable part; `statements` is it plus the final phase it led to.
        var prefix: [ChaosStatement]
        var statements: [ChaosStatement]
        var refusals: [CommandFailure?]
        var violation: ChaosViolation
        /// The target's expect line first, then the other violations'.
        var expectations: [Expectation]

        func expectLine(in text: String) -> Int {
            guard let first = expectations.first else { return 0 }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = ScenarioPrinter.line(.expect(first, within: nil))
            return (lines.firstIndex { $0 == line } ?? -1) + 1
        }
    }

    struct Shrinker {
        let seed: UInt64
        let options: ChaosOptions
        let target: ChaosViolation
        var attempts = 0

        init(seed: UInt64, options: ChaosOptions, target: ChaosViolation) {
            self.seed = seed
            self.options = options
            self.target = target
        }

        /// Replays `prefix` and the final phase; returns the candidate if it still fails the
        /// same way, by the checks and through `ScenarioRunner`.
        mutating func attempt(_ prefix: [ChaosStatement]) -> Candidate? {
            attempts += 1
            guard let world = try? Chaos.replay(seed: seed, options: options, prefix: prefix) else { return nil }
            defer { world.shutDown() }
            guard let violations = try? world.check(),
                  let found = violations.first(where: { $0.matches(target) })
            else { return nil }
            if target.property == .simulator {
                // No expect line for a simulator error: the runner must fail with the same error.
                guard let detail = found.details.first,
                      let outcome = try? Chaos.runScenario(
                          text: Chaos.render(seed: seed, options: options, statements: world.statements,
                                             refusals: world.refusals, expectations: [], header: []).text,
                          path: "chaos.scenario", dedupe: options.dedupe, holdBack: options.holdBack,
                          writesFirst: options.writesFirst),
                      let f = outcome.failures.first, detail.hasSuffix(f.detail.replacingOccurrences(of: "simulator error: ", with: ""))
                else { return nil }
                return Candidate(prefix: prefix, statements: world.statements, refusals: world.refusals, violation: found,
                                 expectations: [])
            }
            let others = violations.filter { $0 != found }.compactMap(\.expectation)
            let candidate = Candidate(prefix: prefix, statements: world.statements, refusals: world.refusals, violation: found,
                                      expectations: [found.expectation].compactMap { $0 } + others)
            let text = Chaos.render(seed: seed, options: options, statements: world.statements, refusals: world.refusals,
                                    expectations: candidate.expectations, header: []).text
            guard let outcome = try? Chaos.runScenario(text: text, path: "chaos.scenario", dedupe: options.dedupe, holdBack: options.holdBack,
                          writesFirst: options.writesFirst),
                  let failure = outcome.failures.first,
                  failure.location.line == candidate.expectLine(in: text)
            else { return nil }
            return candidate
        }

        mutating func minimize(_ start: Candidate, maxAttempts: Int, progress: ((String) -> Void)?) -> Candidate {
            var best = start
            func tryReplace(_ statements: [ChaosStatement]) -> Bool {
                guard attempts < maxAttempts, let c = attempt(statements) else { return false }
                best = c
                return true
            }

            // Remove chunks, halving their size, then single statements until nothing goes.
            // Statement 0 (`peers`) stays.
            var chunk = max(1, (best.prefix.count - 1) / 2)
            while attempts < maxAttempts {
                var removed = false
                var i = 1
                while i < best.prefix.count, attempts < maxAttempts {
                    var next = best.prefix
                    next.removeSubrange(i..<min(i + chunk, next.count))
                    if tryReplace(next) { removed = true } else { i += chunk }
                }
                progress?("shrinking: \(best.prefix.count) statements after chunks of \(chunk) (\(attempts) runs)")
                if chunk == 1 {
                    if !removed { break }
                } else {
                    chunk = max(1, chunk / 2)
                }
            }

            // Shorten waits: halve each while the failure stays.
            var i = 0
            while i < best.prefix.count, attempts < maxAttempts {
                if case let .action(.wait(d)) = best.prefix[i], d.milliseconds >= 200 {
                    var next = best.prefix
                    next[i] = .action(.wait(.milliseconds(d.milliseconds / 200 * 100)))
                    if tryReplace(next) { continue }
                }
                i += 1
            }

            // Fault points: an earlier step each while the failure stays (0, the crash before
            // the input's commit, is the simplest).
            i = 0
            while i < best.prefix.count, attempts < maxAttempts {
                if case let .action(.crashMidInput(node, step)) = best.prefix[i], step > 0 {
                    let lower = Array(Set([0, step / 2, step - 1])).sorted()
                    if lower.contains(where: { s in
                        var next = best.prefix
                        next[i] = .action(.crashMidInput(node: node, afterStep: s))
                        return tryReplace(next)
                    }) { continue }
                }
                i += 1
            }

            // Drop peers nobody mentions any more.
            if case let .peers(names) = best.prefix[0] {
                let used = best.prefix.dropFirst().reduce(into: Set<String>()) { $0.formUnion($1.mentions) }
                let keep = names.filter(used.contains)
                if keep.count < names.count, !keep.isEmpty {
                    var next = best.prefix
                    next[0] = .peers(keep)
                    _ = tryReplace(next)
                }
            }
            return best
        }
    }
}
