/// The bounds a scenario must stay within, checked before anything runs
/// (docs/scenario-language.md, "Limits").
///
/// Each one turns a careless input into a clear error at check time instead of a run that
/// takes a day, a crash, or a refusal found only after minutes of running: `wait 999999h`
/// would fire heartbeats for 22 hours of wall time, a chain of 10,000 includes would
/// overflow the stack, and 30 files each including the next twice expand to a billion lines.
public enum ScenarioLimits {
    /// The longest duration a statement may give (`wait`, `timeout`, `presence-timeout`,
    /// `within`): one simulated day. A day of heartbeats between two friends takes a couple of
    /// seconds to simulate; far longer spans only ever come from a typo.
    public static let maxDuration = ScenarioDuration.hours(24)

    /// The largest step a fault point may name (`alice crash mid-input after step N`). An
    /// input is carried out in a handful of steps (its commit, then one a send, timer or
    /// reply), a registry's answer to a login in a few hundred at most; a step past the last
    /// one crashes the node right after the input, so larger numbers only ever come from a typo.
    public static let maxFaultStep = 10_000

    /// How deeply files may include each other: the top-level file counts as 1.
    public static let maxIncludeDepth = 32

    /// The most statements a scenario may hold once its includes are expanded (include lines
    /// count too, so a tree of includes of empty files is bounded as well).
    public static let maxStatements = 100_000

    /// The most UTF-8 bytes a message text may have: the wire's limit on a message body
    /// (`WireCodec.maxBodySize` in docs/protocol.md; a test keeps the two equal). `send`
    /// refuses anything longer, so a longer text in a scenario can only be a mistake, unless
    /// the line expects the refusal (`! alice send bob "..."`).
    public static let maxMessageBytes = 65_536

    /// The largest file the loader reads: far above any hand-written scenario, and it keeps
    /// `include "/dev/zero"` from reading for ever.
    public static let maxFileBytes = 16 << 20

    /// After this many errors in one file, the rest of it is not read: a file that is not a
    /// scenario at all (`include "/etc/passwd"`) would otherwise report every line.
    public static let maxErrorsPerFile = 20

    /// The most diagnostics printed; the rest are counted (`and 12 more errors`).
    public static let maxReportedErrors = 20
}
