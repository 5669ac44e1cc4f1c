import ArgumentParser

/// The `confchat` command: run and check scenarios (more subcommands join as they land).
@main
struct ConfChat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confchat",
        abstract: "A peer-to-peer chat network over ZeroMQ, and a simulator that runs a whole one in one process.",
        discussion: """
            Examples:
              confchat run scenarios/                       run every scenario below a folder
              confchat run basics.scenario --trace          watch the message flow
              confchat run basics.scenario --transport tcp  the same over real tcp sockets
              confchat check scenarios/                     syntax only, every error at once
            """,
        subcommands: [RunCommand.self, CheckCommand.self]
    )
}
