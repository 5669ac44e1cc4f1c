import ConfChatCore
import ConfChatDriver

/// Where a peer's durable state lives. The node driver applies each batch of mutations in
/// one transaction before carrying out anything that follows them.
public protocol PeerStore: NodeStore<PeerMutation> {
    func load() throws -> PeerDurableState
}

/// Where the registry's durable state lives.
public protocol RegistryStore: NodeStore<RegistryMutation> {
    func load() throws -> RegistryDurableState
}

extension PeerStore {
    /// This store as the node driver holds it (Swift does not convert the existential itself).
    package var driven: any NodeStore<PeerMutation> { self }
}

extension RegistryStore {
    package var driven: any NodeStore<RegistryMutation> { self }
}
