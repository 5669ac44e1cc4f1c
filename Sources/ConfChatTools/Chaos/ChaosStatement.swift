import ConfChatCore
import ConfChatScenario

/// One line of a chaos run, kept in the scenario language's own terms so that the run can be
/// written out as a scenario file and replayed by `confchat run`.
public enum ChaosStatement: Equatable, Sendable, CustomStringConvertible {
    case peers([String])
    case action(Action)

    /// The line as a scenario file writes it (without `!`), by the scenario printer.
    public var description: String {
        switch self {
        case let .peers(names): ScenarioPrinter.line(.peers(names))
        case let .action(a): ScenarioPrinter.line(a)
        }
    }

    var isWait: Bool { if case .action(.wait) = self { true } else { false } }

    /// Every peer name the line mentions (for dropping unused peers from the `peers` line):
    /// the actor and every peer argument of its verb, the peers of a partition, of a link, or
    /// the peer of a fault point.
    var mentions: Set<String> {
        switch self {
        case let .peers(names): return Set(names)
        case let .action(.peer(p, action)):
            let (verb, values) = Verb.describing(action)
            let others = zip(verb.arguments, values).filter { $0.0.kind == .peer }.map(\.1)
            return Set([p] + others)
        case let .action(.partition(groups)): return Set(groups.joined()).subtracting([PeerName.registry])
        case let .action(.network(setting)): return Set(setting.link ?? []).subtracting([PeerName.registry])
        case let .action(.crashMidInput(node, _)): return Set([node]).subtracting([PeerName.registry])
        case .action: return []
        }
    }
}
