/// A password to hash or check, handed by the registry machine to its shell.
///
/// Argon2id is slow on purpose (about 100 ms at the standalone cost), so it must not run on
/// the loop that answers every other request: the machine asks for it as an effect, and the
/// shell gives the outcome back as an input (`RegistryMachine.passwordChecked`). The
/// standalone registry runs checks on a worker thread; the simulator runs each at once, in
/// order, which keeps runs deterministic.
public struct PasswordCheck: Hashable, Sendable {
    public enum Task: Hashable, Sendable {
        case hash(password: String)
        case verify(password: String, hash: String)
    }

    public enum Outcome: Hashable, Sendable {
        case hashed(String)
        case verified(Bool)
    }

    public var id: UInt64
    public var task: Task

    public init(id: UInt64, task: Task) {
        self.id = id
        self.task = task
    }

    /// Carries the check out: the slow part, for whichever thread the shell runs it on.
    public func run(_ hasher: inout some PasswordHasher) -> Outcome {
        switch task {
        case let .hash(password): .hashed(hasher.hash(password))
        case let .verify(password, hash): .verified(hasher.verify(password, against: hash))
        }
    }
}
