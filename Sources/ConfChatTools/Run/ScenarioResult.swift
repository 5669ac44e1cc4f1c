import ConfChatSimulator

/// What one scenario's run produced, ready to print: everything is text by now, so results
/// can cross threads.
package struct ScenarioResult: Sendable {
    package var outcome: ScenarioOutcome?
    /// A simulator error that stopped the scenario before it could run.
    package var error: String?
    /// Trace lines not printed yet (buffered with --jobs, or a Mermaid diagram).
    package var traceLines: [String] = []
    /// The diagram file's contents (SVG or HTML).
    package var diagram: String?
    /// The trace for the JUnit report's system-out.
    package var systemOut: String?
    package var seconds: Double?
    /// With `--hosts`: which node ran on which host (`ProcessHosts.description`).
    package var hostPlan: String?
    /// Why the scenario did not run: on processes, its `# simulator-only:` reason.
    package var skipped: String?
}
