import ConfChatCore
import ConfChatSimulator
import Foundation
import Testing

/// Crashes a node between every two steps of handling a message and checks the delivery
/// guarantee: nothing acknowledged is lost, nothing is delivered twice.
@Suite struct FaultPointTests {
    /// Two friends, alice and bob, logged in, on disk so that crashes exercise SQLite.
    private func friends(_ dir: String) throws -> Simulator {
        try Simulator.twoFriends(SimOptions(transport: .inproc, storage: .disk(dir)))
    }

    private func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "confchat-faults-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Brings a crashed node back and logs it in, then gives retries time to run.
    private func recover(_ sim: Simulator, _ name: String, _ pw: String) throws {
        if try sim.durableState(name).credentials != nil, !(try sim.isLoggedIn(name)) {
            if !sim.isUp(name) { try sim.restart(name) }
            _ = try sim.command(name, .login(password: pw))
        }
        try sim.advance(by: 10_000)
    }

    @Test("receiver crashes at every step of handling a CHAT", arguments: 0..<10)
    func receiverCrash(step: Int) throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try friends(dir)
        try sim.arm(FaultPlan(node: "bob", afterSteps: step))
        #expect(try sim.command("alice", .send(to: "bob", text: "one")) == nil)
        #expect(try sim.command("alice", .send(to: "bob", text: "two")) == nil)
        try recover(sim, "bob", "b")
        #expect(try sim.received("bob", from: "alice") == ["one", "two"])
        #expect(try sim.durableState("alice").conversations["bob"]?.acked == 2)
    }

    @Test("sender crashes at every step of handling its send", arguments: 0..<8)
    func senderCrash(step: Int) throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try friends(dir)
        try sim.arm(FaultPlan(node: "alice", afterSteps: step))
        let accepted = try sim.command("alice", .send(to: "bob", text: "one")) == nil
        try recover(sim, "alice", "a")
        let stored = try sim.sent("alice", to: "bob")
        let got = try sim.received("bob", from: "alice")
        // Accepted means stored on alice's side; stored means delivered exactly once.
        if accepted { #expect(stored == ["one"]) }
        #expect(got == stored)
    }

    @Test("registry crashes at every step of handling a DEPOSIT", arguments: 0..<6)
    func registryCrash(step: Int) throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try friends(dir)
        #expect(try sim.command("bob", .logout) == nil)
        try sim.arm(FaultPlan(node: "registry", afterSteps: step))
        #expect(try sim.command("alice", .send(to: "bob", text: "one")) == nil)
        if !sim.registryIsUp { try sim.restartRegistry() }
        try sim.advance(by: 5_000)  // alice retries whatever the registry did not acknowledge
        #expect(try sim.command("bob", .login(password: "b")) == nil)
        try sim.advance(by: 5_000)
        #expect(try sim.received("bob", from: "alice") == ["one"])
    }
}
