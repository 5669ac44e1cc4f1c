/// A checked scenario, ready to run: every include flattened in place, every peer name
/// known to be declared before it is used.
///
/// Nothing in it needs checking again; a `Scenario` only exists if the whole file set
/// had no error, which is what lets the runner promise "nothing runs" on a syntax error.
public struct Scenario: Sendable {
    /// The top-level file's path as given to the loader.
    public var path: String
    /// The statements in execution order. Include lines are not statements; the included
    /// file's statements stand where the include line was.
    public var statements: [Statement]
    /// Every peer any `peers` line declares, in declaration order, each once.
    public var declaredPeers: [String]

    public init(path: String, statements: [Statement], declaredPeers: [String]) {
        self.path = path
        self.statements = statements
        self.declaredPeers = declaredPeers
    }
}
