import ConfChatCore

/// A password "hash" that is readable in assertions: `hash:` + the password. Tests need the
/// machines' logic, not Argon2id's cost (the shell's `Argon2Hasher` is tested with the node).
struct FakeHasher: PasswordHasher {
    func hash(_ password: String) -> String { "hash:" + password }
    func verify(_ password: String, against hash: String) -> Bool { hash == "hash:" + password }
}
