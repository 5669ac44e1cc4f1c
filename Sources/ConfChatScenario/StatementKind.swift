/// What one scenario line means, once parsed.
///
/// Directives (`peers`, `transport`, `seed`, `timeout`, `presence-timeout`) stay in the
/// statement list at the place they were written, because the language gives them a
/// position: peers declared later start when their line is reached. `include` is not a
/// kind: the loader replaces it with the included file's statements.
public enum StatementKind: Sendable, Equatable {
    /// `peers alice bob`: the names as written on this line, without repeats on the line.
    /// A name may already have been declared by an earlier line; the simulator starts only
    /// peers it has not started yet.
    case peers([String])
    case transport(TransportKind)
    case seed(UInt64)
    case timeout(ScenarioDuration)
    case presenceTimeout(ScenarioDuration)
    /// An action; `expectRefusal` is true for `! ACTION`, which passes only when the action
    /// fails. `!` is accepted before every action except `wait` (time cannot refuse to pass).
    case action(Action, expectRefusal: Bool)
    /// An expectation with its own budget from `within DURATION`, or nil for the default.
    case expect(Expectation, within: ScenarioDuration?)
}
