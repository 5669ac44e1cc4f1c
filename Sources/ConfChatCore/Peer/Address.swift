/// Where a node sends a message: the registry, or a peer at the endpoint it last announced.
///
/// Peers are addressed by name *and* endpoint because endpoints change (a restarted peer may
/// bind a new tcp port) and the name is what the receiving end authenticates.
public enum Address: Hashable, Sendable, CustomStringConvertible {
    case registry
    case peer(name: String, endpoint: String)

    public var name: String {
        switch self {
        case .registry: PeerName.registry
        case let .peer(name, _): name
        }
    }

    public var description: String { name }
}
