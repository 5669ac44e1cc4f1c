/// Every problem found in a scenario and its includes, thrown as one error.
///
/// The loader does not stop at the first mistake: a user fixing a scenario wants the
/// whole list at once, in the order the lines run (an included file's problems appear
/// where it is included). Printing the error prints them all, ready for a terminal.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Every diagnostic rendered, joined by line breaks.
    public var description: String {
        diagnostics.map { $0.rendered() }.joined(separator: "\n")
    }
}
