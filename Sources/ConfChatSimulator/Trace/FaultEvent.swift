import ConfChatScenario

/// A fault or lifecycle event of the simulator, as the trace records it: what happened to
/// which node, as a value, so that reports (the sequence diagram) read the case instead of
/// re-parsing the trace's words. `description` is the trace's text for it.
public enum FaultEvent: Sendable, Hashable, CustomStringConvertible {
    /// A node stopped abruptly (`crash`, `registry crash`): memory gone, data kept.
    case crash(node: String)
    /// A node crashed part way through handling one input (a `FaultPlan`): `step` of `steps`
    /// steps carried out, `handling` naming the input.
    case crashPartWay(node: String, step: Int, steps: Int, handling: String)
    /// A fault point armed (`alice crash mid-input after step 2`): the node will crash part
    /// way through the next input it handles that writes, as `crashPartWay` then says.
    case armed(node: String, afterStep: Int)
    /// An armed fault point called off: its node crashed or was wiped before such an input came.
    case disarmed(node: String)
    /// A crashed node started again from its data directory.
    case restart(node: String)
    /// A peer's data directory deleted.
    case wipe(node: String)
    /// The network cut into these groups of nodes.
    case partition([[String]])
    /// Every partition removed.
    case heal
    /// The network's conditions changed (`network loss 5%`, `network reset`, ...).
    case network(NetworkSetting)

    /// The node the event happened to; nil for those of the whole network.
    public var node: String? {
        switch self {
        case let .crash(node), let .crashPartWay(node, _, _, _), let .armed(node, _), let .disarmed(node), let .restart(node),
             let .wipe(node): node
        case .partition, .heal, .network: nil
        }
    }

    public var description: String {
        switch self {
        case let .crash(node): "\(node) crashes"
        case let .crashPartWay(node, step, steps, handling): "\(node) crashes after step \(step) of \(steps) handling \(handling)"
        case let .armed(node, step): "\(node) will crash after step \(step) of the next input it handles that writes"
        case let .disarmed(node): "\(node)'s mid-input crash is called off: it stopped before such an input"
        case let .restart(node): "\(node) restarts from its data directory"
        case let .wipe(node): "\(node)'s data directory is wiped"
        case let .partition(groups): "partition " + groups.map { $0.joined(separator: " ") }.joined(separator: " | ")
        case .heal: "heal"
        case let .network(setting): setting.description
        }
    }
}
