/// How far apart a peer sends the copies of an unanswered registry request, learnt from how
/// the registry answers (protocol.md 5.1).
///
/// Silence alone cannot tell a lost request from a late one, and the two want opposite
/// schedules: on a link that drops messages every copy is another chance, so copies should go
/// often (a command has 2 s; at 50 % loss each way a copy is answered one time in four, so 5
/// copies fail a command one time in four, 20 copies one time in 300); to a registry that is
/// behind, every copy is more work it must read before it can answer, and 1,000 peers sending
/// a copy every 100 ms buried one (docs/performance.md, "Across hosts"). What does tell them
/// apart is what comes back:
/// - an answer to a request that no longer waits (answered already, or timed out) is a copy
///   the registry read after it had answered: copies queue up there, so wait longer;
/// - a "busy" answer says the registry is short of password checks: wait longer;
/// - an answer that came before the request's first copy went again says the registry keeps
///   up: wait less.
/// Each sign moves the longest wait one step: 100, 200, 400 or 800 ms (`maxBehind`), and a
/// request's waits double from 100 ms up to it. A peer starts at 100 ms: on a lossy link to a
/// registry that keeps up it stays there, and a registry that falls behind shows it within a
/// few answers.
struct RegistryPace: Equatable {
    /// The longest wait, as a power of two of the retry interval: 0 to `maxBehind`.
    private(set) var behind: UInt8 = 0
    /// 3: at most 8 retry intervals between two copies (800 ms for a peer's 100 ms), so a
    /// request that was lost even so goes again within 0.8 s.
    static let maxBehind: UInt8 = 3

    /// The longest wait between two copies of a request, for retry interval `interval`.
    func longestWait(_ interval: Int64) -> Int64 { interval << Int64(behind) }

    /// An answer to a request no longer waiting, or a "busy" answer: the registry is behind.
    mutating func fellBehind() { behind = min(behind + 1, Self.maxBehind) }

    /// An answer to a request sent once: the registry keeps up.
    mutating func keptUp() { behind = behind == 0 ? 0 : behind - 1 }
}
