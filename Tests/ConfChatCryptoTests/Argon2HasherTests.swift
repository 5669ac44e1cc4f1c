import ConfChatCrypto
import Testing

/// Password hashes are Argon2id with salts from a seeded generator the hasher carries: a
/// value, owned by the one node that hashes with it.
@Suite struct Argon2HasherTests {
    @Test("a hasher is a value: a copy hashes on from the same place; each hash verifies its password only")
    func aHasherIsAValue() {
        var a = Argon2Hasher(cost: .fast, seed: 7)
        var b = a
        let first = a.hash("correct horse")
        #expect(b.hash("correct horse") == first, "the copy has the same salt ahead of it")
        #expect(a.hash("correct horse") != first, "the next hash takes the next salt")
        #expect(a.verify("correct horse", against: first))
        #expect(!a.verify("wrong horse", against: first))
    }
}
