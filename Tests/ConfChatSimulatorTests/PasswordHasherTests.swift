import ConfChatCore
import ConfChatSimulator
import Foundation
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
        #expect(alone?.hasPrefix("$conf-chat-key$") == true)
        #expect(try aliceHash(bobFirst: true) == alone)
    }

    @Test("a data directory whose credentials are an older version's password hash still logs in, and is brought up to date")
    func olderCredentialsLoad() throws {
        let dir = NSTemporaryDirectory() + "confchat-credentials-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try Simulator(options: SimOptions(transport: .inproc, seed: 42, storage: .disk(dir)))
        defer { sim.shutDown() }
        try sim.declare(["alice"])
        #expect(try sim.command("alice", .register(password: "a")) == nil)
        // What versions before this one stored: a PHC string of Argon2id with a random salt.
        let older = sim.registryHasher.hash("a")
        try sim.preload(try sim.benchPeers(["alice"])[0], [.setCredentials(hash: older)])
        try sim.crash("alice")
        try sim.restart("alice")
        #expect(try sim.durableState("alice").credentials == older)
        try sim.crashRegistry()  // the local credentials alone decide
        #expect(try sim.command("alice", .login(password: "b"))?.message == "wrong password")
        #expect(try sim.durableState("alice").credentials == older)
        #expect(try sim.command("alice", .login(password: "a")) == nil)
        let now = try #require(try sim.durableState("alice").credentials)
        #expect(now.hasPrefix("$conf-chat-key$"))
        #expect(try sim.command("alice", .logout) == nil)
        try sim.crash("alice")
        try sim.restart("alice")
        #expect(try sim.durableState("alice").credentials == now)
        #expect(try sim.command("alice", .login(password: "b"))?.message == "wrong password")
        #expect(try sim.command("alice", .login(password: "a")) == nil)
    }
}
