/// The seqs one conversation direction of a user's backup holds (`AccountBook`), without a
/// hash for the common case: seqs start at 1 and a peer backs its messages up mostly in
/// order, so the held seqs are almost always 1...`run`, and a seq is checked and added by a
/// comparison. A seq that comes early (a batch retried out of order, a catch-up after a
/// wipe) waits in `early` until the run reaches it.
///
/// Bound: each held seq is either in the run or in `early` once; a seq moves from `early`
/// into the run at most once, so adding costs one set operation at most, amortized, however
/// a peer orders its seqs. `early` is a `Set`, hashed by the standard library's seeded
/// hash: its seqs are a remote peer's choice.
struct HeldSeqs {
    /// Every seq from 1 to `run` is held.
    private var run: UInt64 = 0
    /// The held seqs above `run + 1` (and 0, which no run holds).
    private var early: Set<UInt64> = []

    /// Whether `seq` is held.
    func contains(_ seq: UInt64) -> Bool {
        (seq != 0 && seq <= run) || (!early.isEmpty && early.contains(seq))
    }

    /// Adds `seq`; says whether it was new.
    mutating func insert(_ seq: UInt64) -> Bool {
        if seq != 0, seq <= run { return false }
        guard seq != 0, seq == run + 1 else { return early.insert(seq).inserted }
        run = seq
        while !early.isEmpty, run < .max, early.remove(run + 1) != nil { run += 1 }
        return true
    }
}
