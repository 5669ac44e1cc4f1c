import ConfChatCore

/// Proofs that are cheap and readable, yet depend on the key as a real MAC does: the key is
/// `user:password`, a tag is an FNV-1a hash of key and message. Tests need the machines'
/// rules about proofs, not BLAKE2b (the shell's `MessageSealer` is used by the node tests).
struct FakeProver: MessageProver {
    func proofKey(user: String, password: String) -> [UInt8] { Array("\(user):\(password)".utf8) }

    /// `key:` + user + `:` + password; anything else (the `FakeHasher`'s `hash:` form) is an
    /// older data directory's.
    func credentials(user: String, password: String) -> String { "key:\(user):\(password)" }

    func checkCredentials(user: String, password: String, against stored: String) -> Bool? {
        stored.hasPrefix("key:") ? stored == credentials(user: user, password: password) : nil
    }

    func tag(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key + [0] + message { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return (0..<8).map { UInt8(truncatingIfNeeded: h >> (8 * UInt64($0))) }
    }
}
