import ConfChatCore
import ConfChatSimulator
import Testing

/// Each peer machine in the simulator has a password hasher of its own (a value with its
/// seed), so no node's hashes depend on another's.
@Suite struct PasswordHasherTests {
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
