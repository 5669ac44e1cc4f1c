import ConfChatCore
import ConfChatScenario

/// The result of running one scenario.
public struct ScenarioOutcome: Sendable {
    /// A statement that did not hold, with what was found instead.
    public struct Failure: Sendable, CustomStringConvertible {
        public var location: SourceLocation
        public var source: String
        public var detail: String

        /// `FILE:LINE: STATEMENT` then the detail, indented: the failure report. A statement
        /// longer than a line (a long message text) is cut, with `…`.
        public var description: String {
            "\(location.file):\(location.line): \(ScenarioText.excerpt(source))\n    \(detail.replacingOccurrences(of: "\n", with: "\n    "))"
        }
    }

    public var path: String
    public var failures: [Failure]
    public var statementsRun: Int
    public var simulatedTime: SimInstant
    public var passed: Bool { failures.isEmpty }
}
