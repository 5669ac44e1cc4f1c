import ConfChatScenario
import ConfChatSimulator
import Foundation
import Testing

/// Shared helpers of the end-to-end tests: where the repository and its scenarios are,
/// running a scenario (a file or a string) through `ScenarioRunner`, temporary folders and
/// files, and running the built `confchat` executable as a subprocess.
enum E2ESupport {
    // MARK: - Places

    /// The repository root, found from this file's path (`Tests/ConfChatEndToEndTests/Support/`).
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let scenariosFolder = repositoryRoot + "/scenarios"

    /// Every `.scenario` file below `scenarios/` (setup files too: each passes alone), as
    /// paths relative to the repository root, in the order `confchat run scenarios` uses.
    static let scenarioFiles: [String] = {
        let files = (try? ScenarioLoader.scenarioFiles(in: [scenariosFolder])) ?? []
        return files.map { String($0.dropFirst(repositoryRoot.count + 1)) }
    }()

    /// The path of a repository file given relative to the root.
    static func absolute(_ relative: String) -> String { repositoryRoot + "/" + relative }

    // MARK: - Running scenarios in process

    /// Loads and runs a scenario file; nil (and a recorded issue) if it does not load.
    static func run(file: String, options: ScenarioRunner.Options = .init(),
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ScenarioOutcome? {
        let scenario: Scenario
        do { scenario = try ScenarioLoader.load(path: file) } catch {
            Issue.record("\(file) does not load:\n\(error)", sourceLocation: sourceLocation)
            return nil
        }
        return try ScenarioRunner(scenario: scenario, options: options).run()
    }

    /// Parses a scenario given as text (as if it were the file at `path`) and runs it.
    static func run(source: String, path: String = "test.scenario", options: ScenarioRunner.Options = .init(),
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ScenarioOutcome? {
        let scenario: Scenario
        do { scenario = try ScenarioLoader.parse(source: source, path: path) } catch {
            Issue.record("the scenario does not parse:\n\(error)", sourceLocation: sourceLocation)
            return nil
        }
        return try ScenarioRunner(scenario: scenario, options: options).run()
    }

    /// Every failure of an outcome as the CLI prints it, for test messages.
    static func report(_ outcome: ScenarioOutcome) -> String {
        outcome.failures.map(\.description).joined(separator: "\n")
    }

    /// The number of the line (1-based) of `source` that contains `marker`.
    static func line(of marker: String, in source: String) -> Int? {
        source.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains(marker) }.map { $0 + 1 }
    }

    /// Two friends, alice (password `a`) and bob (password `b`), logged in: a prefix for
    /// scenario strings.
    static let twoFriends = """
        peers alice bob
        alice register a
        bob register b
        alice login a
        bob login b
        alice add-friend bob
        bob accept alice
        expect alice sees bob online

        """

    // MARK: - Temporary files

    /// A fresh empty folder in the system's temporary folder.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "confchat-e2e-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A fresh folder holding `files` (relative path -> contents); returns the folder's path.
    static func folder(with files: [String: String]) throws -> String {
        let root = try temporaryFolder()
        for (relative, contents) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return root
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Every regular file below `folder`, recursively.
    static func files(below folder: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: [String] = []
        while let relative = e.nextObject() as? String {
            let path = folder + "/" + relative
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { out.append(path) }
        }
        return out.sorted()
    }

    // MARK: - The command line

    /// The `confchat` executable next to the test bundle in the build products folder
    /// (`swift test` builds it along with the tests), else in the usual scratch folders.
    static let confchatExecutable: String? = {
        var folders: [String] = []
        if let exe = Bundle.main.executablePath { folders.append((exe as NSString).deletingLastPathComponent) }
        folders.append((Bundle.main.bundlePath as NSString).deletingLastPathComponent)
        folders.append(Bundle.main.bundlePath)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append((bundle.bundlePath as NSString).deletingLastPathComponent)
        }
        if let arg0 = CommandLine.arguments.first {
            folders.append((URL(fileURLWithPath: arg0).path as NSString).deletingLastPathComponent)
        }
        for scratch in [".build-e2e", ".build"] { folders.append(repositoryRoot + "/" + scratch + "/debug") }
        return folders.lazy.map { $0 + "/confchat" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct ProcessResult {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
        /// The last non-empty line of standard output.
        var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    /// Runs `confchat ARGS` in the repository root (or `directory`) and waits for it. Records
    /// an issue and returns nil if the executable cannot be found.
    static func confchat(_ arguments: [String], in directory: String? = nil,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ProcessResult? {
        guard let exe = confchatExecutable else {
            Issue.record("the confchat executable was not found next to the test bundle", sourceLocation: sourceLocation)
            return nil
        }
        return try launch(exe, arguments, in: directory)
    }

    /// Runs a shell script in the repository root, with `$CONFCHAT` the executable: for
    /// what needs a shell (`ulimit`, redirections).
    static func shell(_ script: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ProcessResult? {
        guard let exe = confchatExecutable else {
            Issue.record("the confchat executable was not found next to the test bundle", sourceLocation: sourceLocation)
            return nil
        }
        return try launch("/bin/sh", ["-c", script], in: nil, extra: ["CONFCHAT": exe])
    }

    private static func launch(_ exe: String, _ arguments: [String], in directory: String?,
                               extra: [String: String] = [:]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? repositoryRoot)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        // Files rather than pipes: a long trace cannot fill a pipe and stall the child.
        let folder = try temporaryFolder()
        defer { remove(folder) }
        let out = folder + "/stdout", err = folder + "/stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: err)), as: UTF8.self))
    }

    /// Output with the wall times of PASS/FAIL lines (`, 0.31s)`) taken out: the rest of a
    /// run's output is the same every time.
    static func withoutWallTimes(_ output: String) -> String {
        output.replacingOccurrences(of: #"(?m), ([0-9]+\.[0-9]+s|[0-9]+m [0-9]+s)\)$"#, with: ")", options: .regularExpression)
    }
}
