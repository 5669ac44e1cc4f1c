import ConfChatCore
import Testing

/// The registry is a bootstrap and a backup, not a relay: what works without it, and how
/// peers catch it up when it returns.
@Suite("Machines: registry outage")
struct RegistryOutageTests {
    func friends() -> MachineHarness {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        return h
    }

    @Test func loginWithLocalCredentialsWhenTheRegistryDoesNotAnswer() {
        let h = friends()
        #expect(h.run("alice", .logout) == .done)
        h.crashRegistry()
        h.clearRecords()
        let before = h.now
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.now == before, "login completes at once, without waiting for the registry")
        #expect(h.machine("alice").isLoggedIn)
        #expect(h.dropped.map(\.description) == ["alice->registry LOGIN"])
        // alice reaches bob directly, and they chat.
        #expect(h.machine("alice").sees("bob") == true)
        #expect(h.machine("bob").sees("alice") == true)
        #expect(h.run("alice", .send(to: "bob", text: "no registry needed")) == .done)
        #expect(h.delivered("bob") == ["alice#1 no registry needed"])
        // The request timing out later does not undo the login.
        h.advance(by: h.config.requestTimeout + 1)
        #expect(h.machine("alice").isLoggedIn)
        // A wrong password is still refused, by the local credentials.
        #expect(h.run("alice", .logout) == .done)
        #expect(h.run("alice", .login(password: "nope")) == .refused("wrong password"))
    }

    /// `status` right after a login from local credentials: the registry has not been heard
    /// from yet, which is not the same as "not answering" (it said so for every piped
    /// `login pw` then `status`, with the registry up).
    @Test func registryUnknownUntilTheLocalLoginIsAnswered() {
        let h = friends()
        #expect(h.run("alice", .logout) == .done)
        h.holding = true
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.machine("alice").registryAnswers == nil, "LOGIN still in flight: not known yet")
        h.holding = false
        h.settle()
        #expect(h.machine("alice").registryAnswers == true)
        // With the registry down, the LOGIN times out and then it is "not answering".
        #expect(h.run("alice", .logout) == .done)
        h.crashRegistry()
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.machine("alice").registryAnswers == nil)
        h.advance(by: h.config.requestTimeout + 1)
        #expect(h.machine("alice").registryAnswers == false)
    }

    @Test func withoutLocalCredentialsLoginNeedsTheRegistry() {
        let h = friends()
        h.wipe("alice")
        h.crashRegistry()
        #expect(h.run("alice", .login(password: "pw-alice")) == .refused("the registry did not answer within 2000ms"))
        #expect(!h.machine("alice").isLoggedIn)
    }

    @Test func registeringNeedsTheRegistry() {
        let h = MachineHarness()
        h.addPeers("alice")
        h.crashRegistry()
        #expect(h.run("alice", .register(password: "x")) == .refused("the registry did not answer within 2000ms"))
        #expect(h.disks["alice"]?.credentials == nil)
    }

    @Test func peersReannounceThemselvesToARestartedRegistry() {
        let h = friends()
        h.crashRegistry()
        h.restartRegistry()
        #expect(h.registry?.online == [:], "a restarted registry knows no one online")
        h.clearRecords()
        h.advance(by: h.config.registryPingInterval)
        #expect(h.sent(.pong, from: "registry", to: "alice") == [.pong(known: false, news: 0)])
        #expect(h.sent(.login, from: "alice", to: "registry").count == 1)
        #expect(h.registry?.online == ["alice": "inproc://alice", "bob": "inproc://bob"])
        // Now known, the next PING is answered with known: true and nobody logs in again.
        h.clearRecords()
        h.advance(by: h.config.registryPingInterval)
        #expect(h.sent(.pong, from: "registry", to: "alice") == [.pong(known: true, news: 0)])
        #expect(h.sent(.login, from: "alice", to: "registry") == [])
    }

    @Test func backupCatchesUpWhenTheRegistryReturns() {
        let h = friends()
        h.crashRegistry()
        #expect(h.run("alice", .send(to: "bob", text: "while it was down")) == .done)
        #expect(h.delivered("bob") == ["alice#1 while it was down"])
        #expect(h.registryDisk.backups["alice"] == nil)
        h.restartRegistry()
        h.advance(by: h.config.registryPingInterval)
        let body = Array("while it was down".utf8)
        #expect(h.registryDisk.backups["alice"] == [BackupEntry(peer: "bob", outgoing: true, seq: 1, body: body)])
        #expect(h.registryDisk.backups["bob"]?.map { [$0.peer, "\($0.outgoing)", "\($0.seq)", String(decoding: $0.body, as: UTF8.self)] }
                == [["alice", "false", "1", "while it was down"]])
    }
}
