/// A `network ...` statement (language version 1.2): one property of the simulated network,
/// for the whole network or for the link between two nodes, or `reset`.
///
/// The simulator draws what each message suffers from the seed, so the values here are
/// exact integers (milliseconds, parts per million): no floating point, no drift between runs.
public struct NetworkSetting: Sendable, Hashable, CustomStringConvertible {
    public enum Property: Sendable, Hashable {
        /// Each message's delay is drawn in `min...max` (equal bounds: a fixed delay).
        case latency(min: ScenarioDuration, max: ScenarioDuration)
        case loss(Percentage)
        case duplicate(Percentage)
        /// A perfect network again, everywhere (never for one link).
        case reset
    }

    /// The two nodes of a link (`registry` may be one), in the order written; nil for the
    /// whole network. A link's setting covers both directions.
    public var link: [String]?
    public var property: Property

    public init(link: [String]? = nil, property: Property) {
        self.link = link
        self.property = property
    }

    /// The statement as the language writes it.
    public var description: String {
        let target = link.map { $0.joined(separator: " ") + " " } ?? ""
        switch property {
        case let .latency(lo, hi): return "network \(target)latency \(lo == hi ? "\(lo)" : "\(lo)..\(hi)")"
        case let .loss(p): return "network \(target)loss \(p)"
        case let .duplicate(p): return "network \(target)duplicate \(p)"
        case .reset: return "network reset"
        }
    }
}

/// A probability written as a percentage with up to four decimals (`5%`, `0.5%`, `100%`),
/// kept as parts per million so that drawing against it is integer arithmetic.
public struct Percentage: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let scale = 1_000_000
    public var partsPerMillion: Int

    public init(partsPerMillion: Int) { self.partsPerMillion = partsPerMillion }

    public static let zero = Percentage(partsPerMillion: 0)
    public static let all = Percentage(partsPerMillion: scale)

    /// Parses `DIGITS[.DIGITS]%`, at most four decimals, at most 100 %; nil for anything else.
    public init?(parsing text: String) {
        guard text.hasSuffix("%") else { return nil }
        let number = text.dropLast()
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.count == 1 || (1...4).contains(parts[1].count),
              let whole = Int(parts[0])
        else { return nil }
        let fraction = parts.count == 2 ? Int(parts[1] + String(repeating: "0", count: 4 - parts[1].count))! : 0
        let ppm = whole * 10_000 + fraction
        guard ppm <= Self.scale else { return nil }
        partsPerMillion = ppm
    }

    /// `5%`, `0.5%`, `12.25%`: the shortest form that parses back to the same value.
    public var description: String {
        let whole = partsPerMillion / 10_000
        var fraction = String(partsPerMillion % 10_000)
        guard fraction != "0" else { return "\(whole)%" }
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)%"
    }

    public static func < (a: Percentage, b: Percentage) -> Bool { a.partsPerMillion < b.partsPerMillion }
}
