import ConfChatSimulator

/// A run's results as JUnit XML, the report CI servers read (Jenkins, GitLab, GitHub
/// actions that publish test results).
///
/// JUnit XML has no official schema; this writes the dialect of the Jenkins xUnit plugin's
/// `junit-10.xsd`: `<testsuites>`, one `<testsuite>` a folder, one `<testcase>` a scenario
/// (`classname` the folder with dots, `name` the file), a `<failure>` with the failure report
/// and `<system-out>` with the trace when there is one.
///
/// Nothing here reads a clock: wall time is measured by the command line, and a case without
/// it gets no `time` attribute, so tests can compare whole documents.
public struct JUnitReport: Sendable {
    public struct Case: Sendable {
        public var outcome: ScenarioOutcome
        /// Wall-clock seconds the scenario took, if measured.
        public var seconds: Double?
        /// What goes in `<system-out>`: the trace, if one was taken.
        public var systemOut: String?

        public init(outcome: ScenarioOutcome, seconds: Double? = nil, systemOut: String? = nil) {
            self.outcome = outcome
            self.seconds = seconds
            self.systemOut = systemOut
        }

        public var path: String { outcome.path }
        /// The file name: `basics.scenario`.
        public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
        /// The folder as a dotted class name: `scenarios/groups/x.scenario` -> `scenarios.groups`;
        /// a file in the working directory gets `.`, the folder it is really in (CI pages then
        /// group it under the root rather than under a folder that does not exist).
        public var className: String {
            var parts = path.split(separator: "/").dropLast().map(String.init).filter { $0 != "." && !$0.isEmpty }
            while parts.first == ".." { parts.removeFirst() }
            return parts.isEmpty ? "." : parts.joined(separator: ".")
        }

        /// The failure text, as the command line prints it: `FILE:LINE: STATEMENT` then what
        /// was found, for every failing line.
        public var failureText: String { outcome.failures.map(\.description).joined(separator: "\n") }
    }

    public var name: String
    public var cases: [Case]

    public init(name: String = "confchat run", cases: [Case]) {
        self.name = name
        self.cases = cases
    }

    public var failures: Int { cases.filter { !$0.outcome.passed }.count }

    /// The XML document.
    public func xml() -> String {
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        out.append("<testsuites name=\"\(XMLText.attribute(name))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\"\(timeAttribute(cases))>")
        // One suite a folder, in order of first appearance.
        var order: [String] = []
        var byClass: [String: [Case]] = [:]
        for c in cases {
            if byClass[c.className] == nil { order.append(c.className) }
            byClass[c.className, default: []].append(c)
        }
        for (i, className) in order.enumerated() {
            let suite = byClass[className] ?? []
            let failed = suite.filter { !$0.outcome.passed }.count
            out.append("  <testsuite name=\"\(XMLText.attribute(className))\" id=\"\(i)\" tests=\"\(suite.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\"\(timeAttribute(suite))>")
            for c in suite {
                var open = "    <testcase classname=\"\(XMLText.attribute(className))\" name=\"\(XMLText.attribute(c.name))\""
                if let s = c.seconds { open += " time=\"\(Self.seconds(s))\"" }
                let children = !c.outcome.passed || c.systemOut != nil
                if !children { out.append(open + "/>"); continue }
                out.append(open + ">")
                if let first = c.outcome.failures.first {
                    let count = c.outcome.failures.count
                    let type = count == 1 ? "ScenarioFailure" : "ScenarioFailure (\(count) lines)"
                    out.append("      <failure message=\"\(XMLText.attribute(first.description))\" type=\"\(XMLText.attribute(type))\">"
                        + XMLText.text(c.failureText) + "</failure>")
                }
                if let systemOut = c.systemOut {
                    out.append("      <system-out>" + XMLText.text(systemOut) + "</system-out>")
                }
                out.append("    </testcase>")
            }
            out.append("  </testsuite>")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    private func timeAttribute(_ cases: [Case]) -> String {
        let times = cases.compactMap(\.seconds)
        guard !times.isEmpty, times.count == cases.count else { return "" }
        return " time=\"\(Self.seconds(times.reduce(0, +)))\""
    }

    /// Seconds with millisecond precision, `1.234`: the number format every JUnit reader takes.
    static func seconds(_ s: Double) -> String {
        let ms = Int64((max(s, 0) * 1000).rounded())
        let frac = String(ms % 1000)
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }
}
