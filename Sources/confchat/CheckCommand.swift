import ArgumentParser
import ConfChatScenario
import Foundation

/// `confchat check PATH...`: syntax only; reports every error of every file.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check scenario files for errors without running them.",
        discussion: "Exit status: 0 when every file is well formed, 2 when any has an error.\n\nExample:\n  confchat check scenarios/")

    @Argument(help: "Scenario files or folders (every .scenario below a folder).")
    var paths: [String]

    func run() throws {
        var errors: [Diagnostic] = []
        var files: [String] = []
        do { files = try ScenarioLoader.scenarioFiles(in: paths) } catch { errors += error.diagnostics }
        for file in files {
            do { _ = try ScenarioLoader.load(path: file) } catch { errors += error.diagnostics }
        }
        if errors.isEmpty {
            print("\(files.count) file(s) ok")
            return
        }
        Console.error(ScenarioErrors(diagnostics: errors).description)
        throw ExitCode(2)
    }
}
