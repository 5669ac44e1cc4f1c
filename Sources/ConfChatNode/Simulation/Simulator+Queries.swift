import ConfChatCore

/// What expectations read: a peer's state as the peer itself holds it. A crashed peer is
/// read from its data directory.
extension Simulator {
    public func durableState(_ name: String) throws -> PeerDurableState {
        let p = try peer(name)
        if let m = p.machine { return m.durable }
        return try p.store.load()
    }

    public func isLoggedIn(_ name: String) throws -> Bool { try peer(name).machine?.isLoggedIn ?? false }

    /// `name`'s view of `friend`: nil when `friend` is not a friend.
    public func sees(_ name: String, _ friend: String) throws -> Bool? {
        let p = try peer(name)
        if let m = p.machine { return m.sees(friend) }
        return try p.store.load().friends[friend] == nil ? nil : false
    }

    public func received(_ name: String, from other: String) throws -> [String] {
        try durableState(name).conversations[other]?.received.map(\.text) ?? []
    }

    public func sent(_ name: String, to other: String) throws -> [String] {
        try durableState(name).conversations[other]?.sent.map(\.text) ?? []
    }
}
