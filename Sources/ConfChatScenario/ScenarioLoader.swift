/// The entry point: turns scenario files into checked `Scenario`s, or into the full list
/// of what is wrong with them.
///
/// Everything is checked before anything runs, so a typo on the last line cannot waste a
/// long run, and every error of the file and its includes is reported in one go.
///
/// The functions use typed throws: the only error they throw is `ScenarioErrors`, so a
/// caller can print it (its description is every diagnostic rendered) and exit with
/// status 2 without casting.
public enum ScenarioLoader {
    /// Reads and checks the scenario at `path` and everything it includes.
    public static func load(path: String) throws(ScenarioErrors) -> Scenario {
        switch ScenarioFileReader.read(path) {
        case .success(let source):
            return try parse(source: source, path: path)
        case .failure(let problem):
            throw ScenarioErrors(diagnostics: [fileDiagnostic(path: path, message: "\(problem)")])
        }
    }

    /// Checks a scenario given as text, as if it were the file at `path`: diagnostics name
    /// `path`, and includes are resolved relative to its folder and read from disk.
    public static func parse(source: String, path: String) throws(ScenarioErrors) -> Scenario {
        var builder = ScenarioBuilder()
        builder.add(source: source, path: path)
        guard builder.diagnostics.isEmpty else {
            throw ScenarioErrors(diagnostics: builder.diagnostics)
        }
        return Scenario(path: path, statements: builder.statements, declaredPeers: builder.declaredPeers)
    }

    /// The scenario files named by command-line paths: a file stands for itself, a folder
    /// for every `*.scenario` file below it (recursively, hidden entries skipped, sorted
    /// by path). The order of `paths` is kept. Every path that does not exist is
    /// reported, at `PATH:0:0`, with the message `no such file or folder`, and so is a
    /// folder with no scenario in it (a run of nothing would report `0 passed` and pass).
    public static func scenarioFiles(in paths: [String]) throws(ScenarioErrors) -> [String] {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            switch ScenarioFileReader.kind(of: path) {
            case .missing:
                diagnostics.append(fileDiagnostic(path: path, message: "no such file or folder"))
            case .folder:
                let found = ScenarioFileReader.scenarioFiles(below: path)
                if found.isEmpty {
                    diagnostics.append(fileDiagnostic(path: path, message: "no .scenario files in this folder"))
                }
                files += found
            default:
                files.append(path)
            }
        }
        guard diagnostics.isEmpty else { throw ScenarioErrors(diagnostics: diagnostics) }
        return files
    }

    /// A diagnostic about a file as a whole: line and column 0, no source line.
    private static func fileDiagnostic(path: String, message: String) -> Diagnostic {
        Diagnostic(location: SourceLocation(file: path, line: 0, column: 0), message: message, sourceLine: "")
    }
}
