import CSodium
import ConfChatCore

/// A password hasher that remembers the last hash it made and the password it made it from,
/// so that a LOGIN right after its REGISTER is checked without a second Argon2id.
///
/// The registry hashes a REGISTER's password, and the user's first LOGIN, most often the next
/// request it checks, sends the same password to be verified against that very hash: the
/// same Argon2id computed twice by one party. Checked against the remembered hash, a password
/// is right exactly when it is the one the hash was made from (anything else would be an
/// Argon2id collision), so comparing the two (in constant time) gives the verdict the
/// derivation would. Any other check runs the wrapped hasher's. One pair, memory only,
/// replaced at the next hash (docs/security.md); the hashes made are the wrapped hasher's,
/// salts and all, so a run's databases and traces do not change.
public struct LastHashMemory<Inner: PasswordHasher>: PasswordHasher {
    private var inner: Inner
    private var last: (hash: String, password: String)?

    public init(_ inner: Inner) {
        self.inner = inner
    }

    public mutating func hash(_ password: String) -> String {
        let hash = inner.hash(password)
        last = (hash, password)
        return hash
    }

    public func verify(_ password: String, against hash: String) -> Bool {
        guard let last, last.hash == hash else { return inner.verify(password, against: hash) }
        let (given, known) = (Array(password.utf8), Array(last.password.utf8))
        return given.count == known.count && sodium_memcmp(given, known, given.count) == 0
    }
}

extension LastHashMemory: Sendable where Inner: Sendable {}
