import Foundation

/// Runs the `ip` tool of iproute2 and turns a failure into an error that names the command
/// and repeats what `ip` said, so a refused change reads as the kernel's own reason.
struct IPCommand: Sendable {
    /// The absolute path of `ip`.
    let path: String

    /// `ip` on PATH (or in the sbin directories, which a non-login root shell may lack), or nil.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> IPCommand? {
        let dirs = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/ip") {
            return IPCommand(path: dir + "/ip")
        }
        return nil
    }

    /// Runs `ip ARGUMENTS` and returns its standard output; throws with its stderr on a non-zero exit.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw HostNetworkError("cannot start \(path): \(error)")
        }
        // Read both before waiting: a full pipe would otherwise block `ip` forever.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw HostNetworkError("`ip \(arguments.joined(separator: " "))` failed (status \(process.terminationStatus)): \(said)")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The names `ip netns list` prints (it may add " (id: N)" after a name).
    func namespaces() throws -> [String] {
        try run(["netns", "list"]).split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }
}
