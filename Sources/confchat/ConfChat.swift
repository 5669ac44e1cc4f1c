import ArgumentParser
import Foundation

/// The `confchat` command: the simulator, the standalone processes, and their tools.
@main
struct ConfChat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confchat",
        abstract: "A peer-to-peer chat network over ZeroMQ, and a simulator that runs a whole one in one process.",
        discussion: """
            Exit status: 0 success, 1 a scenario or check failed, 2 usage or syntax error.

            Examples:
              confchat run scenarios/                       run every scenario below a folder
              confchat run basics.scenario --trace          watch the message flow
              confchat run basics.scenario --transport tcp  the same over real tcp sockets
              confchat check scenarios/                     syntax only, every error at once
              confchat attach alice --scenario setup.scenario   a prompt as alice in a live simulation
              confchat registry --data reg                  the registry as a process of its own
              confchat peer alice --registry tcp://127.0.0.1:5555 --registry-key-file reg/registry.pub
            """,
        version: ConfChatVersion.description,
        subcommands: [RunCommand.self, CheckCommand.self, ChaosCommand.self, RegistryCommand.self, AttachCommand.self, PeerProcessCommand.self, BenchCommand.self, HostsCommand.self, BenchPeersCommand.self]
    )

    /// Like ArgumentParser's own `main`, except that usage errors exit with status 2, as the
    /// scenario language's command line promises (ArgumentParser uses 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
