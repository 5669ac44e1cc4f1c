/// A point on the simulated clock, in milliseconds since the start of a run.
///
/// The core never reads a wall clock: the shell passes `now` into every `handle` call. In a
/// scenario the simulator advances it; in standalone mode the shell feeds a monotonic clock.
/// That is what makes two runs of one scenario print the same trace.
public struct SimInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static let zero = SimInstant(milliseconds: 0)

    public static func < (a: SimInstant, b: SimInstant) -> Bool { a.milliseconds < b.milliseconds }
    public static func + (a: SimInstant, ms: Int64) -> SimInstant { SimInstant(milliseconds: a.milliseconds + ms) }
    public static func - (a: SimInstant, b: SimInstant) -> Int64 { a.milliseconds - b.milliseconds }

    /// `12.345s`: seconds with millisecond precision, the form every trace line starts with.
    public var description: String {
        let s = milliseconds / 1000, ms = milliseconds % 1000
        let frac = String(ms)
        return "\(s).\(String(repeating: "0", count: 3 - frac.count))\(frac)s"
    }
}
