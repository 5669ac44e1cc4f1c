/// A span of simulated time, as written in a scenario (`250ms`, `5s`, `2m`, `1h`).
///
/// Stored as whole milliseconds because that is the finest unit the language can write;
/// an integer keeps runs deterministic (no floating-point drift when the simulator adds
/// up waits).
public struct ScenarioDuration: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static func milliseconds(_ value: Int64) -> ScenarioDuration { ScenarioDuration(milliseconds: value) }
    public static func seconds(_ value: Int64) -> ScenarioDuration { ScenarioDuration(milliseconds: value * 1_000) }
    public static func minutes(_ value: Int64) -> ScenarioDuration { ScenarioDuration(milliseconds: value * 60_000) }
    public static func hours(_ value: Int64) -> ScenarioDuration { ScenarioDuration(milliseconds: value * 3_600_000) }

    /// The units of the language, largest first, so `description` can pick the largest
    /// one that divides the value exactly.
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Parses the language's duration syntax: ASCII digits, then `ms`, `s`, `m` or `h`.
    ///
    /// Returns nil for anything else, including a missing unit (`5`), an unknown unit
    /// (`5sec`), a sign (`-5s`) or a value too large for 64-bit milliseconds. Public so
    /// the command line can accept the same syntax for its own options.
    ///
    /// Read as UTF-8 bytes, not `Character`s (every `wait` and `within` of a scenario is
    /// parsed here): the result is the same, as no unit starts with a combining mark, so a
    /// digit that one follows ends up, either way, before a unit that matches none.
    public init?(parsing text: String) {
        let digits = text.utf8.prefix { (0x30...0x39).contains($0) }
        let unit = text.utf8.dropFirst(digits.count)
        guard !digits.isEmpty,
              let scale = Self.units.first(where: { $0.suffix.utf8.elementsEqual(unit) })?.milliseconds,
              let count = Int64(Substring(digits))
        else { return nil }
        let (value, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        self.init(milliseconds: value)
    }

    /// The value in the largest unit that writes it exactly: `1500ms`, `5s`, `2m`, `1h`.
    /// Zero reads as `0s`. The result parses back to the same value (for non-negative
    /// values), so traces can quote durations in the scenario's own syntax.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        for unit in Self.units where magnitude % UInt64(unit.milliseconds) == 0 {
            return "\(sign)\(magnitude / UInt64(unit.milliseconds))\(unit.suffix)"
        }
        return "\(sign)\(magnitude)ms"
    }

    public static func < (lhs: ScenarioDuration, rhs: ScenarioDuration) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }
}
