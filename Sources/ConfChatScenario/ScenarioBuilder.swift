/// Reads a file set line by line, in execution order, and collects statements and every
/// diagnostic at once.
///
/// It owns what a single line cannot know: which peers are declared so far (includes
/// flattened in place, so an included `peers` line declares for the lines after the
/// include), which files are being included (to catch cycles), and which diagnostics
/// were already reported (a file included twice would otherwise repeat its errors).
///
/// It also enforces the limits of `ScenarioLimits` that only the whole expansion can see:
/// include depth (so recursion stays shallow), the number of statements once includes are
/// expanded (so a file included twice by each of 30 files does not expand to a billion
/// lines), and errors per file (so a file that is no scenario at all stops early).
struct ScenarioBuilder {
    private(set) var statements: [Statement] = []
    private(set) var declaredPeers: [String] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var declared: Set<String> = []
    private var reported: Set<Diagnostic> = []
    /// The files being read, outermost first, as cycle-detection identity and display path.
    private var includeStack: [(identity: String, path: String)] = []
    /// Statements and include lines read so far, includes expanded.
    private var expanded = 0
    /// Set once the statement limit is passed: nothing more is read.
    private var stopped = false
    /// Each included file's lines, read once however often it is included.
    private var included: [String: Result<[String], ScenarioFileReader.Problem>] = [:]
    /// `ScenarioPath.identity` of each include path met, which asks the file system.
    private var identities: [String: String] = [:]
    /// The bytes of the line being lexed: one array for every line (`LexedLine(lexing:bytes:)`).
    private var lineBytes: [UInt8] = []

    /// Adds the statements of `source`, read from `path` (as displayed in diagnostics).
    mutating func add(source: String, path: String) {
        add(lines: ScenarioFileReader.lines(of: source), path: path, identity: ScenarioPath.identity(of: path))
    }

    private mutating func add(lines: [String], path: String, identity: String) {
        includeStack.append((identity, path))
        defer { includeStack.removeLast() }
        var errors = 0
        for (offset, line) in lines.enumerated() where !stopped {
            errors += addLine(line, number: offset + 1, path: path)
            if errors >= ScenarioLimits.maxErrorsPerFile, offset + 1 < lines.count {
                report(Diagnostic(location: SourceLocation(file: path, line: 0, column: 0),
                                  message: "\(errors) errors by line \(offset + 1); the rest of the file is not read (is it a scenario file?)",
                                  sourceLine: ""))
                return
            }
        }
    }

    /// Adds one line; returns how many errors it had.
    private mutating func addLine(_ line: String, number: Int, path: String) -> Int {
        func location(_ column: Int) -> SourceLocation {
            SourceLocation(file: path, line: number, column: column)
        }
        do {
            let lexed = try LexedLine(lexing: line, bytes: &lineBytes)
            guard let parsed = try StatementParser.parse(lexed, declared: declared) else { return 0 }
            expanded += 1
            if expanded > ScenarioLimits.maxStatements {
                stopped = true
                let through = includeStack.count > 1 ? " (reached through \(Self.chain(includeStack.map(\.path))))" : ""
                report(Diagnostic(location: location(1),
                                  message: "the scenario has more than \(ScenarioLimits.maxStatements) statements once includes are expanded, the most it may have\(through)",
                                  sourceLine: line))
                return 1
            }
            // Before the switch (an include line names no peer), so that the parsed line is
            // not used after it: its statement is then moved into the list, not copied.
            if !parsed.undeclared.isEmpty {
                for use in parsed.undeclared {
                    report(Diagnostic(location: location(use.column),
                                      message: "undeclared peer '\(use.name)' (no earlier 'peers' line declares it)",
                                      sourceLine: line))
                }
                return parsed.undeclared.count
            }
            switch parsed.content {
            case .include(let includePath, let column):
                return include(includePath, from: path, at: location(column), sourceLine: line) ? 0 : 1
            case .statement(let kind):
                if case .peers(let names) = kind {
                    for name in names where declared.insert(name).inserted {
                        declaredPeers.append(name)
                    }
                }
                statements.append(Statement(location: location(lexed.tokens[0].column), source: lexed.text, kind: kind))
                return 0
            }
        } catch {
            for each in [error] + error.others {
                report(Diagnostic(location: location(each.column), message: each.message, sourceLine: line))
            }
            return 1 + error.others.count
        }
    }

    /// Reads an included file in place, or reports why it cannot be; false if it cannot.
    private mutating func include(_ includePath: String, from path: String, at location: SourceLocation, sourceLine: String) -> Bool {
        let resolved = ScenarioPath.join(ScenarioPath.directory(of: path), includePath)
        let identity = identities[resolved] ?? ScenarioPath.identity(of: resolved)
        identities[resolved] = identity
        if let start = includeStack.firstIndex(where: { $0.identity == identity }) {
            let cycle = includeStack[start...].map(\.path) + [includeStack[start].path]
            report(Diagnostic(location: location, message: "include cycle: \(cycle.joined(separator: " -> "))",
                              sourceLine: sourceLine))
            return false
        }
        guard includeStack.count < ScenarioLimits.maxIncludeDepth else {
            let chain = Self.chain(includeStack.map(\.path) + [resolved])
            report(Diagnostic(location: location,
                              message: "includes nested more than \(ScenarioLimits.maxIncludeDepth) files deep, the most allowed: \(chain)",
                              sourceLine: sourceLine))
            return false
        }
        if included[identity] == nil {
            included[identity] = ScenarioFileReader.read(resolved).map { ScenarioFileReader.lines(of: $0) }
        }
        switch included[identity]! {
        case .success(let lines):
            add(lines: lines, path: resolved, identity: identity)
            return true
        case .failure(let problem):
            report(Diagnostic(location: location, message: "cannot include '\(resolved)': \(problem)", sourceLine: sourceLine))
            return false
        }
    }

    /// A chain of files as `a -> b -> c`, the middle left out when it is long.
    private static func chain(_ paths: [String]) -> String {
        guard paths.count > 6 else { return paths.joined(separator: " -> ") }
        let middle = paths.count - 4
        return (paths.prefix(2) + ["... \(middle) more ..."] + paths.suffix(2)).joined(separator: " -> ")
    }

    private mutating func report(_ diagnostic: Diagnostic) {
        if reported.insert(diagnostic).inserted {
            diagnostics.append(diagnostic)
        }
    }
}
