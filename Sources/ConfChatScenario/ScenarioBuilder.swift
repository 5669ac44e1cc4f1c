/// Reads a file set line by line, in execution order, and collects statements and every
/// diagnostic at once.
///
/// It owns what a single line cannot know: which peers are declared so far (includes
/// flattened in place, so an included `peers` line declares for the lines after the
/// include), which files are being included (to catch cycles), and which diagnostics
/// were already reported (a file included twice would otherwise repeat its errors).
struct ScenarioBuilder {
    private(set) var statements: [Statement] = []
    private(set) var declaredPeers: [String] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var declared: Set<String> = []
    private var reported: Set<Diagnostic> = []
    /// The files being read, outermost first, as cycle-detection identity and display path.
    private var includeStack: [(identity: String, path: String)] = []

    /// Adds the statements of `source`, read from `path` (as displayed in diagnostics).
    mutating func add(source: String, path: String) {
        includeStack.append((ScenarioPath.identity(of: path), path))
        defer { includeStack.removeLast() }
        for (offset, line) in ScenarioFileReader.lines(of: source).enumerated() {
            addLine(line, number: offset + 1, path: path)
        }
    }

    private mutating func addLine(_ line: String, number: Int, path: String) {
        func location(_ column: Int) -> SourceLocation {
            SourceLocation(file: path, line: number, column: column)
        }
        do {
            let lexed = try LineLexer.lex(Array(line))
            guard let parsed = try StatementParser.parse(lexed, declared: declared) else { return }
            switch parsed.content {
            case .include(let includePath, let column):
                include(includePath, from: path, at: location(column), sourceLine: line)
            case .statement(let kind):
                let undeclared = parsed.nameUses.filter { !declared.contains($0.name) }
                for use in undeclared {
                    report(Diagnostic(location: location(use.column),
                                      message: "undeclared peer '\(use.name)' (no earlier 'peers' line declares it)",
                                      sourceLine: line))
                }
                guard undeclared.isEmpty else { return }
                if case .peers(let names) = kind {
                    for name in names where declared.insert(name).inserted {
                        declaredPeers.append(name)
                    }
                }
                statements.append(Statement(location: location(lexed.tokens[0].column), source: lexed.text, kind: kind))
            }
        } catch {
            report(Diagnostic(location: location(error.column), message: error.message, sourceLine: line))
        }
    }

    /// Reads an included file in place, or reports why it cannot be.
    private mutating func include(_ includePath: String, from path: String, at location: SourceLocation, sourceLine: String) {
        let resolved = ScenarioPath.join(ScenarioPath.directory(of: path), includePath)
        let identity = ScenarioPath.identity(of: resolved)
        if let start = includeStack.firstIndex(where: { $0.identity == identity }) {
            let cycle = includeStack[start...].map(\.path) + [includeStack[start].path]
            report(Diagnostic(location: location, message: "include cycle: \(cycle.joined(separator: " -> "))",
                              sourceLine: sourceLine))
            return
        }
        switch ScenarioFileReader.read(resolved) {
        case .success(let text):
            add(source: text, path: resolved)
        case .failure(let problem):
            report(Diagnostic(location: location, message: "cannot include '\(resolved)': \(problem)", sourceLine: sourceLine))
        }
    }

    private mutating func report(_ diagnostic: Diagnostic) {
        if reported.insert(diagnostic).inserted {
            diagnostics.append(diagnostic)
        }
    }
}
