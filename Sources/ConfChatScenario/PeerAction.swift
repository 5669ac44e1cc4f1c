import ConfChatCore

/// What a peer does on a scenario line: a command its user gives it (`alice send bob "hi"`
/// is `.command(.send(to: "bob", text: "hi"))`, the core's own type), or what the harness
/// does to its process and data (`alice crash`, `restart`, `wipe`), which no user command
/// can do.
public enum PeerAction: Sendable, Equatable {
    case command(PeerCommand)
    case crash
    case restart
    case wipe
}
