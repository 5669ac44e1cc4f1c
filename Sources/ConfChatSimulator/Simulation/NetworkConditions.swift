import ConfChatCore
import ConfChatScenario

/// What the simulated network does to the messages it carries (scenario language 1.2):
/// latency, loss and duplication, for the whole network and per link, and the draws from the
/// seed that decide each message's fate.
///
/// A property nobody set costs no draw, so a run without `network` statements draws nothing
/// and behaves (and traces) exactly as on a perfect network.
package struct NetworkConditions {
    /// The properties set at one level; nil where this level leaves it to the one above.
    struct Settings: Equatable {
        var latency: ClosedRange<Int64>?
        var loss: Percentage?
        var duplicate: Percentage?

        /// `other`'s values where it has them, ours elsewhere: a link over the whole network.
        func overridden(by other: Settings?) -> Settings {
            guard let other else { return self }
            return Settings(latency: other.latency ?? latency, loss: other.loss ?? loss, duplicate: other.duplicate ?? duplicate)
        }
    }

    /// Both directions of a link: the two names in sorted order.
    struct Link: Hashable {
        let a: String, b: String
        init(_ x: String, _ y: String) { (a, b) = x < y ? (x, y) : (y, x) }
    }

    /// What becomes of one message: lost, or the delays (ms) of the copies that arrive
    /// (one, or two for a duplicate).
    package enum Fate: Equatable {
        case lost
        case arrives([Int64])
    }

    private(set) var network = Settings()
    private var links: [Link: Settings] = [:]
    private var random: SplitMix64

    package init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// True while nothing is set: every message arrives at once, in the order sent.
    package var isPerfect: Bool { network == Settings() && links.isEmpty }

    package mutating func apply(_ setting: NetworkSetting) {
        guard case .reset = setting.property else {
            let update = { (s: inout Settings) in
                switch setting.property {
                case let .latency(lo, hi): s.latency = lo.milliseconds...hi.milliseconds
                case let .loss(p): s.loss = p
                case let .duplicate(p): s.duplicate = p
                case .reset: break
                }
            }
            if let link = setting.link {
                update(&links[Link(link[0], link[1]), default: Settings()])
            } else {
                update(&network)
            }
            return
        }
        network = Settings()
        links = [:]
    }

    /// The settings that hold between two nodes.
    func settings(_ from: String, _ to: String) -> Settings {
        network.overridden(by: links[Link(from, to)])
    }

    /// Draws one message's fate: loss first, then its delay, then whether a copy follows
    /// (with a delay of its own). Only properties that are on draw.
    package mutating func fate(from: String, to: String) -> Fate {
        let s = settings(from, to)
        if let loss = s.loss, draw(loss) { return .lost }
        var delays = [delay(s.latency)]
        if let duplicate = s.duplicate, draw(duplicate) { delays.append(delay(s.latency)) }
        return .arrives(delays)
    }

    private mutating func draw(_ p: Percentage) -> Bool {
        guard p.partsPerMillion > 0 else { return false }
        guard p < .all else { return true }
        return Int(random.next() % UInt64(Percentage.scale)) < p.partsPerMillion
    }

    private mutating func delay(_ range: ClosedRange<Int64>?) -> Int64 {
        guard let range else { return 0 }
        guard range.lowerBound < range.upperBound else { return range.lowerBound }
        return range.lowerBound + Int64(random.next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
