import CSodium
import ConfChatCore

/// Argon2id password hashing through libsodium.
///
/// A value: the cost and a salt generator seeded at `init`, not libsodium's own random
/// source, so a simulated run is reproducible (the hash never appears in a trace, but the
/// database does). Each owner (a peer's machine, the registry's password worker) holds its
/// own; a copy hashes on from where the original was.
/// The output is the standard PHC string (`$argon2id$v=19$m=...`), which
/// `crypto_pwhash_str_verify` checks.
public struct Argon2Hasher: PasswordHasher, Sendable {
    public enum Cost: Sendable {
        /// About 0.1 ms: for simulations with hundreds of peers.
        case fast
        /// OWASP's interactive recommendation (m = 19 MiB, t = 2): for standalone use.
        case interactive

        public var ops: UInt64 { self == .fast ? 1 : 2 }
        public var memBytes: Int { self == .fast ? 8 * 1024 : 19 * 1024 * 1024 }
    }

    private let cost: Cost
    private var rng: SplitMix64

    public init(cost: Cost, seed: UInt64) {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
        self.cost = cost
        self.rng = SplitMix64(seed: seed)
    }

    public mutating func hash(_ password: String) -> String {
        var salt = [UInt8](repeating: 0, count: Int(crypto_pwhash_SALTBYTES))
        for i in salt.indices { salt[i] = UInt8(truncatingIfNeeded: rng.next()) }
        var key = [UInt8](repeating: 0, count: 32)
        let length = UInt64(password.utf8.count)
        let rc = password.withCString { pw in
            crypto_pwhash(&key, UInt64(key.count), pw, length, salt, cost.ops, cost.memBytes, crypto_pwhash_ALG_ARGON2ID13)
        }
        precondition(rc == 0, "crypto_pwhash ran out of memory")
        let kib = cost.memBytes / 1024
        return "$argon2id$v=19$m=\(kib),t=\(cost.ops),p=1$\(SodiumBase64.encode(salt))$\(SodiumBase64.encode(key))"
    }

    public func verify(_ password: String, against hash: String) -> Bool {
        let length = UInt64(password.utf8.count)
        return password.withCString { pw in crypto_pwhash_str_verify(hash, pw, length) == 0 }
    }
}
