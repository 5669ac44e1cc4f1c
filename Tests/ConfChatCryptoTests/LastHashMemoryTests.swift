import ConfChatCore
import ConfChatCrypto
import Testing

/// The registry's hasher remembers the last hash it made: a LOGIN right after its REGISTER
/// is checked against it without a second Argon2id, with the verdict the Argon2id check gives.
@Suite struct LastHashMemoryTests {
    /// Argon2id underneath, counting the checks that reach it.
    struct CountingHasher: PasswordHasher {
        var argon = Argon2Hasher(cost: .fast, seed: 3)
        final class Count { var verifications = 0 }
        let count = Count()

        mutating func hash(_ password: String) -> String { argon.hash(password) }

        func verify(_ password: String, against hash: String) -> Bool {
            count.verifications += 1
            return argon.verify(password, against: hash)
        }
    }

    @Test("the last hash is checked without Argon2id and with its verdict; older hashes go to Argon2id")
    func theLastHashIsCheckedByItsPassword() {
        let counting = CountingHasher()
        var memory = LastHashMemory(counting)
        let plain = Argon2Hasher(cost: .fast, seed: 3)
        let older = memory.hash("pw-alice")
        let last = memory.hash("pw-bob")
        #expect(memory.verify("pw-bob", against: last))
        #expect(!memory.verify("pw-alice", against: last))
        #expect(!memory.verify("pw-bo", against: last))
        #expect(!memory.verify("", against: last))
        #expect(counting.count.verifications == 0, "the last hash needs no derivation")
        // The verdicts are Argon2id's own.
        #expect(plain.verify("pw-bob", against: last) && !plain.verify("pw-alice", against: last))
        #expect(memory.verify("pw-alice", against: older))
        #expect(!memory.verify("pw-bob", against: older))
        #expect(counting.count.verifications == 2, "an older hash is checked by Argon2id")
    }

    @Test("the hashes are the wrapped hasher's, salt for salt")
    func theHashesAreTheWrappedHashers() {
        var memory = LastHashMemory(Argon2Hasher(cost: .fast, seed: 9))
        var plain = Argon2Hasher(cost: .fast, seed: 9)
        for password in ["a", "b", "a"] { #expect(memory.hash(password) == plain.hash(password)) }
    }
}
