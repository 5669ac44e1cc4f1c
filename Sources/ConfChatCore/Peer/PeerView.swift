/// What a scenario's expectations read of one peer, as the peer itself holds it: its
/// session, friends and how it sees them, pending requests, conversations and groups.
///
/// One value for every world a scenario runs in: the simulator builds it from the machine
/// (or, for a crashed peer, from its data directory), a standalone peer sends it over its
/// control channel as JSON (docs/protocol.md, "Control channel"), so an expectation is
/// evaluated by the same code either way.
public struct PeerView: Codable, Hashable, Sendable {
    public var loggedIn: Bool
    /// Each friend and whether this peer sees it online.
    public var friends: [String: Bool]
    public var requests: [String]
    /// One-to-one messages held from each friend, in order.
    public var received: [String: [String]]
    /// One-to-one messages held as sent to each friend, in order (queued ones last).
    public var sent: [String: [String]]
    /// Group messages held: group -> sender -> texts, in order.
    public var groupMessages: [String: [String: [String]]]
    /// The members of each group this peer knows.
    public var members: [String: [String]]
    /// The contacts a logged-in peer sends to directly (a friend it sees online, a fellow
    /// group member who is not a friend) that have not yet confirmed all it sent them, in
    /// name order. No expectation reads it: `confchat run --processes` waits on it when it
    /// lets an action settle, as the simulator delivers what is in flight before the next
    /// statement (a SIGKILL right after a send would otherwise lose what had not yet left).
    public var awaitingAck: [String]

    /// - Parameters:
    ///   - sees: how the peer sees a friend (nil: not a friend); a stopped peer sees every
    ///     friend offline.
    ///   - texts: which messages to copy into the view (all by default).
    public init(_ state: PeerDurableState, loggedIn: Bool, sees: (String) -> Bool?, texts: Texts = .all) {
        self.loggedIn = loggedIn
        friends = Dictionary(uniqueKeysWithValues: state.friends.keys.map { ($0, sees($0) ?? false) })
        requests = state.requests.sorted()
        let others: [String] = switch texts {
        case .all: Array(Set(state.conversations.keys).union(state.queued.keys))
        case let .exchangedWith(other): [other]
        case .none: []
        }
        received = [:]
        sent = [:]
        var grouped: [String: [String: [String]]] = [:]
        for other in others {
            sent[other] = state.sentTexts(to: other)
            guard let c = state.conversations[other] else { continue }
            received[other] = c.received.filter { $0.group == nil && $0.isShown }.map(\.text)
            for r in c.received where r.isShown { if let g = r.group { grouped[g, default: [:]][other, default: []].append(r.text) } }
        }
        groupMessages = grouped
        members = state.groups.mapValues { $0.members.keys.sorted() }
        awaitingAck = !loggedIn ? [] : state.conversations.keys.sorted().filter { contact in
            guard state.conversations[contact]?.unacked.isEmpty == false else { return false }
            return state.friends[contact] == nil ? state.endpoint(of: contact) != nil : sees(contact) == true
        }
    }

    /// A running peer's view.
    public init(_ machine: PeerMachine, texts: Texts = .all) {
        self.init(machine.durable, loggedIn: machine.isLoggedIn, sees: machine.sees, texts: texts)
    }

    /// Which messages a view holds. Every text in a view is a copy, and an expectation reads
    /// at most the messages exchanged with one other peer; a polled expectation builds a view
    /// at every check, so copying a whole history each time was 13 % of a long scenario's
    /// instructions (docs/performance.md).
    public enum Texts: Hashable, Sendable {
        /// Every conversation's.
        case all
        /// Only those exchanged with this peer: received from it, sent to it, and its group messages.
        case exchangedWith(String)
        /// None: the session, friends, requests and group members only.
        case none
    }
}

extension PeerDurableState {
    /// One-to-one messages held as sent to `other`, in order. Messages still queued after a
    /// restore (accepted, waiting for their seq) come last.
    public func sentTexts(to other: String) -> [String] {
        let stored = conversations[other]?.sent.filter { $0.group == nil && $0.isShown }.map(\.text) ?? []
        let waiting = queued[other]?.filter { $0.group == nil }.map { String(decoding: $0.body, as: UTF8.self) } ?? []
        return stored + waiting
    }
}
