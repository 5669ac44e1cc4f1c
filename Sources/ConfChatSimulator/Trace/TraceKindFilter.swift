import ConfChatCore

/// Passes on every trace event except the sends (and drops) of the message kinds it hides.
///
/// `confchat attach --trace` prints the trace live, above the line being typed; the
/// keep-alive traffic (a HEARTBEAT to each online friend and a PING to the registry every
/// second or so) would bury everything else, so attach hides it unless asked
/// (`--trace-hide none`).
public final class TraceKindFilter: TraceSink {
    public static let keepAlive: Set<String> = ["HEARTBEAT", "PING", "PONG"]
    public let hidden: Set<String>
    public let next: any TraceSink

    public init(hiding hidden: Set<String>, next: any TraceSink) {
        self.hidden = hidden
        self.next = next
    }

    /// The kinds of `--trace-hide`: a comma-separated list of message kinds, or `none`.
    /// Throws the first word that names no message kind.
    public static func kinds(_ list: String) throws -> Set<String> {
        if list == "none" { return [] }
        let known = Set(MessageKind.allCases.map(\.name))
        var out: Set<String> = []
        for word in list.split(separator: ",").map({ String($0).uppercased() }) {
            guard known.contains(word) else {
                throw SimulationError.invalidState("--trace-hide: '\(word)' is not a message kind (e.g. HEARTBEAT,PING,PONG, or none)")
            }
            out.insert(word)
        }
        return out
    }

    public func record(_ event: TraceEvent) {
        switch event.kind {
        case let .send(_, _, kind, _), let .drop(_, _, kind, _):
            if hidden.contains(kind) { return }
        default: break
        }
        next.record(event)
    }
}
