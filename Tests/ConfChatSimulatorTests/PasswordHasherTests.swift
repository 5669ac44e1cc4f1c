import ConfChatCore
import ConfChatCrypto
import ConfChatSimulator
import Testing

/// Password hashes are Argon2id with salts from a seeded generator the hasher carries: a
/// value, owned by one node, so no node's hashes depend on another's.
@Suite struct PasswordHasherTests {
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

    /// alice's hash on disk, in a run where bob registers (the registry and bob hash his
    /// password) before alice does, or not at all.
    func aliceHash(bobFirst: Bool) throws -> String? {
        let sim = try Simulator(options: SimOptions(transport: .inproc, seed: 42))
        try sim.declare(["alice", "bob"])
        if bobFirst {
            #expect(try sim.command("bob", .register(password: "b")) == nil)
            #expect(try sim.command("bob", .login(password: "b")) == nil)
        }
        #expect(try sim.command("alice", .register(password: "a")) == nil)
        return try sim.durableState("alice").credentials
    }

    @Test("a peer's password hash does not depend on what other nodes hashed before it")
    func hashesDoNotDependOnOtherNodes() throws {
        let alone = try aliceHash(bobFirst: false)
        #expect(alone?.hasPrefix("$argon2id$") == true)
        #expect(try aliceHash(bobFirst: true) == alone)
    }
}
