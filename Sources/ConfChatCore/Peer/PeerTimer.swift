/// Timers a peer asks the shell to fire. Session timers carry the session's epoch, so a timer
/// scheduled before a logout or a crash is recognised as stale and ignored.
public enum PeerTimer: Hashable, Sendable {
    /// Send heartbeats to friends and expire the silent ones.
    case heartbeat(epoch: UInt64)
    /// Retransmit unacknowledged messages (directly, or to the registry's mailbox).
    case retry(epoch: UInt64)
    /// Tell the registry we are alive; a registry that forgot us (it restarted) asks us to log in again.
    case registryPing(epoch: UInt64)
    /// A registry request that got no answer in time.
    case requestTimeout(req: UInt32)
    /// A registry request still unanswered: send it again (the request or its answer may
    /// have been lost; the registry answers a repeat without carrying it out twice).
    case requestRetry(req: UInt32)
}
