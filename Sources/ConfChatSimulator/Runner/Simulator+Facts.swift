import ConfChatCore
import ConfChatScenario

/// Expectations checked against the one fact each reads, in place: a polled expectation is
/// checked many times, and the `PeerView` built at each check copied every text exchanged
/// with the peer it names, every friend and group, and scanned every conversation for what
/// was unacknowledged (docs/performance.md). Each answer is the one the view gives; the
/// runner builds the view only to say what it found when an expectation fails.
extension Simulator {
    public func holds(_ e: Expectation) throws -> Bool? {
        switch e {
        case let .received(p, from, text): try reading(p) { $0.holdsReceived(text, from: from) }
        case let .conversation(p, with, expected): try received(p, from: with) == expected
        case let .sent(p, to, expected): try sent(p, to: to) == expected
        case let .sees(p, friend, online): try sees(p, friend) == online
        case let .friends(p, names): try reading(p) { Set($0.friends.keys) == Set(names) }
        case let .requests(p, names): try reading(p) { $0.requests == Set(names) }
        case let .session(p, loggedIn): try isLoggedIn(p) == loggedIn
        case let .group(p, g, from, expected): try received(p, from: from, group: g) == expected
        case let .members(p, g, names): Set(try members(p, group: g)) == Set(names)
        }
    }

    /// Reads `name`'s durable state where it lies: in the running machine (not a copy of the
    /// machine), or what a crashed peer's store loads.
    private func reading<R>(_ name: String, _ read: (PeerDurableState) -> R) throws -> R {
        let p = try peer(name)
        if let r = p.driver.peek({ read($0.durable) }) { return r }
        return read(try p.store.load())
    }
}
