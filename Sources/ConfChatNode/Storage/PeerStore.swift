import ConfChatCore

/// Where a peer's durable state lives. The shell applies each batch of mutations in one
/// transaction before sending anything that follows them.
public protocol PeerStore: AnyObject {
    func load() throws -> PeerDurableState
    func apply(_ mutations: [PeerMutation]) throws
}

/// Where the registry's durable state lives.
public protocol RegistryStore: AnyObject {
    func load() throws -> RegistryDurableState
    func apply(_ mutations: [RegistryMutation]) throws
}
