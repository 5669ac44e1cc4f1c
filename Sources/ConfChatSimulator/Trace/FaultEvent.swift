/// A fault or lifecycle event of the simulator, as the trace records it: what happened to
/// which node, as a value, so that reports (the sequence diagram) read the case instead of
/// re-parsing the trace's words. `description` is the trace's text for it.
public enum FaultEvent: Sendable, Hashable, CustomStringConvertible {
    /// A node stopped abruptly (`crash`, `registry crash`): memory gone, data kept.
    case crash(node: String)
    /// A node crashed part way through handling one input (a `FaultPlan`): `step` of `steps`
    /// steps carried out, `handling` naming the input.
    case crashPartWay(node: String, step: Int, steps: Int, handling: String)
    /// A crashed node started again from its data directory.
    case restart(node: String)
    /// A peer's data directory deleted.
    case wipe(node: String)
    /// The network cut into these groups of nodes.
    case partition([[String]])
    /// Every partition removed.
    case heal

    /// The node the event happened to; nil for those of the whole network.
    public var node: String? {
        switch self {
        case let .crash(node), let .crashPartWay(node, _, _, _), let .restart(node), let .wipe(node): node
        case .partition, .heal: nil
        }
    }

    public var description: String {
        switch self {
        case let .crash(node): "\(node) crashes"
        case let .crashPartWay(node, step, steps, handling): "\(node) crashes after step \(step) of \(steps) handling \(handling)"
        case let .restart(node): "\(node) restarts from its data directory"
        case let .wipe(node): "\(node)'s data directory is wiped"
        case let .partition(groups): "partition " + groups.map { $0.joined(separator: " ") }.joined(separator: " | ")
        case .heal: "heal"
        }
    }
}
