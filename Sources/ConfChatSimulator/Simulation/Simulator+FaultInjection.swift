import ConfChatCore

/// Fault injection for testing checkers, not for real use.
extension Simulator {
    /// Whether peers booted from now on drop duplicate messages (`PeerConfig.dedupe`).
    /// Set it before the first `declare` (a `ScenarioRunner`'s simulator has booted no peer
    /// until `run()`), so that replaying a reproduction found with `confchat chaos
    /// --break-dedupe` breaks the same peers.
    public var dedupe: Bool {
        get { config.dedupe }
        set { config.dedupe = newValue }
    }
}
