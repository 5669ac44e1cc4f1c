/// Hashes and checks passwords. The core only calls it; the shell implements it with
/// libsodium's Argon2id.
///
/// A hasher is a value that carries its own salt generator, seeded: hashing advances it
/// (`mutating`), so who owns the value owns the sequence of salts. No two owners share one,
/// and a peer's hashes do not depend on what another node hashed before it.
public protocol PasswordHasher {
    mutating func hash(_ password: String) -> String
    func verify(_ password: String, against hash: String) -> Bool
}
