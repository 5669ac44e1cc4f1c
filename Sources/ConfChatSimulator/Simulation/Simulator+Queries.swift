import ConfChatCore
import ConfChatCrypto

/// What expectations read: a peer's state as the peer itself holds it. A crashed peer is
/// read from its data directory.
extension Simulator {
    public func durableState(_ name: String) throws -> PeerDurableState {
        let p = try peer(name)
        if let m = p.machine { return m.durable }
        return try p.store.load()
    }

    /// Whether a mail item's body opens with `name`'s key pair as it is now: mail sealed to a
    /// key the peer lost in a wipe is no copy of its message.
    public func opens(_ item: MailItem, for name: String) throws -> Bool {
        sealer.open(item.body, with: try peer(name).crypto.keys) != nil
    }

    /// Whether the peer is running (not crashed).
    public func isUp(_ name: String) -> Bool { peers[name]?.isUp ?? false }

    public func isLoggedIn(_ name: String) throws -> Bool { try peer(name).machine?.isLoggedIn ?? false }

    /// Whether the registry answers `name` (nil while logged out or crashed).
    public func registryAnswers(_ name: String) throws -> Bool? { try peer(name).machine?.registryAnswers }

    /// `name`'s view of `friend`: nil when `friend` is not a friend.
    public func sees(_ name: String, _ friend: String) throws -> Bool? {
        let p = try peer(name)
        if let m = p.machine { return m.sees(friend) }
        return try p.store.load().friends[friend] == nil ? nil : false
    }

    /// One-to-one messages `name` holds from `other`, in order.
    public func received(_ name: String, from other: String) throws -> [String] {
        try durableState(name).conversations[other]?.received.filter { $0.group == nil && $0.isShown }.map(\.text) ?? []
    }

    /// One-to-one messages `name` holds as sent to `other`, in order.
    /// Messages still queued after a restore (accepted, waiting for their seq) come last.
    public func sent(_ name: String, to other: String) throws -> [String] {
        try durableState(name).sentTexts(to: other)
    }

    /// What expectations read of `name` (a crashed peer: from its data directory, seeing
    /// every friend offline).
    public func view(_ name: String) throws -> PeerView { try view(name, texts: .all) }

    /// The same, with only the messages `texts` names (what one expectation reads).
    public func view(_ name: String, texts: PeerView.Texts) throws -> PeerView {
        let p = try peer(name)
        if let m = p.machine { return PeerView(m, texts: texts) }
        return PeerView(try p.store.load(), loggedIn: false, sees: { _ in false }, texts: texts)
    }

    /// Messages `name` holds from `other` in `group`, in order (discarded ones are not shown).
    public func received(_ name: String, from other: String, group: String) throws -> [String] {
        try durableState(name).conversations[other]?.received.filter { $0.group == group && $0.isShown }.map(\.text) ?? []
    }

    /// `name`'s view of the members of `group`: empty if it knows no such group.
    public func members(_ name: String, group: String) throws -> [String] {
        try durableState(name).groups[group]?.members.keys.sorted() ?? []
    }
}
