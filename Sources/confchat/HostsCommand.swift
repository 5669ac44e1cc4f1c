import ArgumentParser
import ConfChatHosts
import Foundation

/// `confchat hosts --cleanup`: removes what runs over several hosts (network namespaces) left
/// behind when they were killed before they could clean up.
struct HostsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "Remove the network namespaces that killed runs over several hosts left behind.",
        discussion: """
            A run over several hosts makes namespaces named confchat-PID-K-...; it removes them
            however it ends, except when killed outright (kill -9). Then the next such run
            removes them, or this command does: it removes the namespaces of every run whose
            process PID is gone, and the processes still in them, and leaves live runs alone.
            Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) and the `ip` tool of iproute2.

            Example:
              sudo confchat hosts --cleanup
            """)

    @Flag(help: "Remove the namespaces of runs whose process is gone.")
    var cleanup = false

    func validate() throws {
        guard cleanup else { throw ValidationError("say what to do: --cleanup") }
    }

    func run() throws {
        do {
            let removed = try HostNetwork.removeStale()
            for name in removed { print("removed \(name)") }
            print(removed.isEmpty ? "nothing to remove" : "\(removed.count) namespace(s) removed")
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
