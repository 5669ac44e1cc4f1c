import ConfChatScenario

/// A guarantee that did not hold at the end of a chaos run, with the `expect` line that
/// checks it in a reproduction.
public struct ChaosViolation: Hashable, Sendable, CustomStringConvertible {
    /// Which guarantee (docs/guarantees.md) the violation breaks.
    public enum Property: String, Sendable, Hashable {
        /// Guarantee 2, at the recipient: each accepted message held once, in the order sent.
        case delivery
        /// Guarantees 3 and 5, at the sender: it still holds what it sent, once, in order.
        case sentHistory = "sent-history"
        /// Guarantee 1: logged-in friends see each other online once the network is whole.
        case presence
        /// Guarantee 5: a peer's friend list matches the registry's.
        case friends
        /// The simulator itself failed (an error thrown while running a statement).
        case simulator
    }

    /// What exactly went wrong, the unit that shrinking preserves.
    public enum Problem: String, Sendable, Hashable {
        case missing, duplicate, order, unexpected, offline, friends, error
    }

    public var property: Property
    /// Every kind of problem found on this pair, the first being the one reported.
    public var problems: [Problem]
    public var problem: Problem { problems[0] }
    /// Who is involved, the unit a shrink keeps along with the problem.
    public enum Subject: Hashable, Sendable {
        /// Whose view is wrong, and the other side: the sender for `delivery`, the recipient
        /// for `sent-history`, the friend for `presence`.
        case pair(peer: String, other: String)
        /// One peer's view as a whole (`friends`).
        case peer(String)
        /// No peer: the simulator itself failed.
        case simulator
    }

    public var subject: Subject
    /// Every problem found on this pair, in words.
    public var details: [String]
    /// The expectation that fails while this violation stands; nil for a simulator error,
    /// which a reproduction shows by failing with the same error instead.
    public var expectation: Expectation?

    /// Whether this violation still shows `target`'s problem on the same pair.
    public func matches(_ target: ChaosViolation) -> Bool {
        property == target.property && subject == target.subject && problems.contains(target.problem)
    }

    public var description: String {
        let who: String? = switch (property, subject) {
        case let (.delivery, .pair(peer, other)): "\(peer) from \(other)"
        case let (.sentHistory, .pair(peer, other)): "\(peer) sent to \(other)"
        case let (_, .pair(peer, other)): "\(peer) sees \(other)"
        case let (_, .peer(peer)): peer
        case (_, .simulator): nil
        }
        return "\(property.rawValue) (\(problem.rawValue)): " + (who.map { "\($0): " } ?? "") + details.joined(separator: "; ")
    }
}
