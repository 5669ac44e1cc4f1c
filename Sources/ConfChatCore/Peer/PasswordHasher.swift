/// Hashes and checks passwords. The core only calls it; the shell implements it with
/// libsodium's Argon2id, salted from the run's seeded generator so runs stay reproducible.
public protocol PasswordHasher {
    func hash(_ password: String) -> String
    func verify(_ password: String, against hash: String) -> Bool
}
