/// Every problem found in a scenario and its includes, thrown as one error.
///
/// The loader does not stop at the first mistake: a user fixing a scenario wants the
/// whole list at once, in the order the lines run (an included file's problems appear
/// where it is included). Printing the error prints them, ready for a terminal.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// The diagnostics rendered, each once, joined by line breaks: the first
    /// `ScenarioLimits.maxReportedErrors` about lines, then `and N more errors` for the rest,
    /// so 200,000 bad lines print a screenful rather than 600,000 lines. Diagnostics about a
    /// file as a whole (a missing file, a file not read to its end) are always shown: they
    /// say why the list is short.
    public var description: String {
        var seen = Set<Diagnostic>()
        var lines: [String] = []
        var shown = 0, hidden = 0
        for diagnostic in diagnostics where seen.insert(diagnostic).inserted {
            if diagnostic.location.line > 0 {
                guard shown < ScenarioLimits.maxReportedErrors else { hidden += 1; continue }
                shown += 1
            }
            lines.append(diagnostic.rendered())
        }
        if hidden > 0 {
            lines.append("and \(hidden) more error\(hidden == 1 ? "" : "s") (\(seen.count) in all)")
        }
        return lines.joined(separator: "\n")
    }
}
