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

    /// Whether every node's driver writes an input's changes before it carries out the rest
    /// (`NodeDriver.writesFirst`); false acknowledges before writing, which only a crash part
    /// way through an input shows. Set it, like `dedupe`, before the first `declare`.
    public var writesFirst: Bool {
        get { driversWriteFirst }
        set {
            driversWriteFirst = newValue
            registryDriver.writesFirst = newValue
            for p in peers.values { p.driver.writesFirst = newValue }
        }
    }

    /// Whether peers booted from now on hold back messages that arrive ahead of a gap
    /// (`PeerConfig.holdBack`); set it, like `dedupe`, before the first `declare`.
    public var holdBack: Bool {
        get { config.holdBack }
        set { config.holdBack = newValue }
    }
}
