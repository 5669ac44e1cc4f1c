import ConfChatCore

/// One line of the trace: what happened, when (simulated), as the node that saw it saw it.
public struct TraceEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A message put on the wire.
        case send(from: String, to: String, kind: String, fields: String)
        /// A message the simulator's transport did not carry (partition, node down).
        case drop(from: String, to: String, kind: String, reason: String)
        /// A frame that failed to decode; the node logged and ignored it.
        case reject(at: String, from: String, reason: String)
        case deliver(peer: String, from: String, seq: UInt64, text: String, group: String? = nil)
        case presence(peer: String, friend: String, online: Bool, reason: String)
        /// A fault or lifecycle event: a crash, a restart, a wipe, a partition, a heal.
        case fault(FaultEvent)
        case note(node: String, text: String)
        case statement(location: String, source: String)
        case outcome(location: String, ok: Bool, detail: String)
    }

    public var time: SimInstant
    public var kind: Kind

    public init(time: SimInstant, kind: Kind) {
        self.time = time
        self.kind = kind
    }
}
