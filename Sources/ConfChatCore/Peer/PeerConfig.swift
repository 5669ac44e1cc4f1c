/// Timing of a peer, in simulated milliseconds. The scenario's `presence-timeout` sets
/// `presenceTimeout`; heartbeats go out often enough that one lost beat never looks like a crash.
public struct PeerConfig: Hashable, Sendable {
    public var presenceTimeout: Int64
    public var heartbeatInterval: Int64
    public var retryInterval: Int64
    public var requestTimeout: Int64
    /// How long a registry request waits for its answer before it is sent again, until
    /// `requestTimeout` runs out.
    public var requestRetryInterval: Int64
    public var registryPingInterval: Int64
    /// Fault-injection switch for testing the checkers (`confchat chaos --break-dedupe`),
    /// never for real use. When false, a receiver stores a message it already holds
    /// instead of dropping it, which breaks exactly-once delivery on purpose. Default true.
    public var dedupe = true
    /// Fault-injection switch (`confchat chaos --break-hold-back`), never for real use. When
    /// false, a receiver stores a CHAT or GROUP-CHAT that comes directly ahead of a gap at
    /// once, as the next one, instead of holding it back, as if its connection kept order:
    /// only a network that reorders shows it. Default true.
    public var holdBack = true

    public init(presenceTimeout: Int64 = 5000) {
        self.presenceTimeout = presenceTimeout
        self.heartbeatInterval = max(50, min(1000, presenceTimeout / 3))
        self.retryInterval = 1000
        self.requestTimeout = 2000
        self.requestRetryInterval = 100
        self.registryPingInterval = 2000
    }
}
