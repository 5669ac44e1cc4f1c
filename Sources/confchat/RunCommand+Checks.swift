import ArgumentParser
import ConfChatCore
import ConfChatScenario
import ConfChatTools
import Foundation

/// What `confchat run` does before running anything: find, filter and load the scenarios,
/// and check what would otherwise fail late (report files, diagram names, open files), so a
/// mistake costs seconds rather than a whole run.
extension RunCommand {
    /// The scenarios to run, checked: every file found, filtered by `-k`, and loaded. Exits 2
    /// with every diagnostic when a file has an error.
    func loadScenarios() throws -> [Scenario] {
        var files: [String]
        do { files = try ScenarioLoader.scenarioFiles(in: paths) } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if !filters.isEmpty {
            let found = files.count
            files = files.filter { file in filters.contains { file.localizedCaseInsensitiveContains($0) } }
            if files.isEmpty {
                let shown = filters.map { "'\($0)'" }.joined(separator: ", ")
                Console.error("error: no scenario path contains \(shown) (-k); \(found) scenario\(found == 1 ? "" : "s") found")
                throw ExitCode(2)
            }
        }
        var scenarios: [Scenario] = []
        var errors: [Diagnostic] = []
        for file in files {
            do { scenarios.append(try ScenarioLoader.load(path: file)) } catch { errors += error.diagnostics }
        }
        guard errors.isEmpty else {
            Console.error(ScenarioErrors(diagnostics: errors).description)
            throw ExitCode(2)
        }
        return scenarios
    }

    /// What can fail before anything runs, checked now: report files that cannot be written,
    /// diagram names no scenario declares, too few open files. Exits 2 with the reason.
    func checkBeforeRunning(_ scenarios: [Scenario]) throws {
        var problems: [String] = []
        for (option, path) in [("--junit", junit), ("--diagram", diagram)] {
            if let path, let reason = Self.unwritableReason(path) { problems.append("\(option) \(path): \(reason)") }
        }
        let declared = Set(scenarios.flatMap(\.declaredPeers))
        for name in diagramNames ?? [] where name != PeerName.registry && !declared.contains(name) {
            let known = declared.sorted().joined(separator: ", ")
            problems.append("--diagram-filter: '\(name)' is not a peer of any scenario that runs (peers: \(known.isEmpty ? "none" : known))")
        }
        // A file marked `# simulator-only:` is skipped on processes, not refused.
        if onProcesses {
            problems += scenarios.filter { SimulatorOnlyMarker.reason(inFileAt: $0.path) == nil }
                .flatMap { ProcessWorld.unsupported($0) }
        }
        let limit = FileDescriptorBudget.raiseLimit().soft
        let workers = max(1, min(jobs == 0 ? ProcessInfo.processInfo.activeProcessorCount : jobs, scenarios.count))
        let needs = scenarios.map { ($0, FileDescriptorBudget.needed(for: $0, transport: transport)) }
            .sorted { $0.1.count > $1.1.count }
        if let largest = needs.first {
            // With --jobs, the largest scenarios may run together.
            let together = needs.prefix(workers).reduce(0) { $0 + $1.1.count }
            let what = workers > 1 ? "running \(workers) scenarios at a time (--jobs) with \(largest.0.path) among them"
                                   : largest.0.path
            if let problem = FileDescriptorBudget.problem(needed: together, limit: limit, what: what, largest: largest.1) {
                problems.append(problem + (workers > 1 ? "; or fewer --jobs" : ""))
            }
        }
        guard problems.isEmpty else {
            problems.forEach { Console.error("error: \($0)") }
            throw ExitCode(2)
        }
    }

    /// Why a report file cannot be written, or nil when it can: its folder is made now, as the
    /// write would, and must be writable; the path must not be a folder.
    static func unwritableReason(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { return "it is a folder" }
            return access(path, W_OK) == 0 ? nil : "the file is not writable"
        }
        let parent = folder.isEmpty ? "." : folder
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            return "cannot make the folder \(parent): \(error.localizedDescription)"
        }
        return access(parent, W_OK) == 0 ? nil : "the folder \(parent) is not writable"
    }
}
