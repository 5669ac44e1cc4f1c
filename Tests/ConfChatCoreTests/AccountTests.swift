import ConfChatCore
import Testing

/// Register, log in, log out: what a user sees, and what each side keeps.
@Suite("Machines: accounts")
struct AccountTests {
    @Test func registerThenDuplicateRegisterIsRefused() {
        let h = MachineHarness()
        h.addPeers("alice")
        #expect(h.run("alice", .register(password: "one")) == .done)
        #expect(h.disks["alice"]?.credentials == "key:alice:one")
        #expect(h.registryDisk.accounts["alice"] == .init(hash: "hash:one", endpoint: "inproc://alice"))

        #expect(h.run("alice", .register(password: "two")) == .refused("the name 'alice' is taken"))
        #expect(h.disks["alice"]?.credentials == "key:alice:one")
        #expect(h.registryDisk.accounts["alice"]?.hash == "hash:one")

        // Someone else on another machine (no data directory) trying the same name.
        h.wipe("alice")
        #expect(h.run("alice", .register(password: "three")) == .refused("the name 'alice' is taken"))
        #expect(h.disks["alice"]?.credentials == nil)
        #expect(h.run("alice", .login(password: "three")) == .refused("wrong password"))
    }

    /// A data directory of an older version holds a password hash as its credentials: the
    /// right password still logs in from it, and the login replaces it with credentials of this
    /// version (one derivation a login from then on); a wrong one changes nothing.
    @Test func olderCredentialsStillLogInAndAreReplaced() {
        let h = MachineHarness()
        h.addPeers("alice")
        #expect(h.run("alice", .register(password: "right")) == .done)
        var older = h.disks["alice"]!
        older.credentials = "hash:right"
        h.restart("alice", disk: older)
        h.crashRegistry()  // local credentials alone decide

        #expect(h.run("alice", .login(password: "wrong")) == .refused("wrong password"))
        #expect(h.disks["alice"]?.credentials == "hash:right")
        #expect(h.run("alice", .login(password: "right")) == .done)
        #expect(h.machine("alice").isLoggedIn)
        #expect(h.disks["alice"]?.credentials == "key:alice:right")
        #expect(h.run("alice", .logout) == .done)
        #expect(h.run("alice", .login(password: "wrong")) == .refused("wrong password"))
        #expect(h.run("alice", .login(password: "right")) == .done)
    }

    @Test func reservedOrInvalidNameCannotRegister() {
        let h = MachineHarness()
        h.addPeers("registry")
        #expect(h.run("registry", .register(password: "x")) == .refused("'registry' is not a valid user name"))
        #expect(h.sent.isEmpty)
    }

    @Test func wrongPasswordIsRefusedLocallyWithoutAskingTheRegistry() {
        let h = MachineHarness()
        h.addPeers("alice")
        #expect(h.run("alice", .register(password: "right")) == .done)
        h.clearRecords()
        #expect(h.run("alice", .login(password: "wrong")) == .refused("wrong password"))
        #expect(!h.machine("alice").isLoggedIn)
        #expect(h.sent.isEmpty)
        #expect(h.registry?.online["alice"] == nil)
    }

    @Test func wrongPasswordIsRefusedByTheRegistryWithoutLocalCredentials() {
        let h = MachineHarness()
        h.addPeers("alice")
        #expect(h.run("alice", .register(password: "right")) == .done)
        h.wipe("alice")
        h.clearRecords()
        #expect(h.run("alice", .login(password: "wrong")) == .refused("wrong password"))
        #expect(!h.machine("alice").isLoggedIn)
        #expect(h.disks["alice"]?.credentials == nil)
        #expect(h.sent(.login, from: "alice", to: "registry") == [.login(req: 1, name: "alice", password: "wrong", endpoint: "inproc://alice", wantBackup: true, key: [])])
        #expect(h.registry?.online["alice"] == nil)

        #expect(h.run("alice", .login(password: "right")) == .done)
        #expect(h.machine("alice").isLoggedIn)
        #expect(h.disks["alice"]?.credentials == "key:alice:right")
        #expect(h.registry?.online == ["alice": "inproc://alice"])
    }

    @Test func unknownUserCannotLogIn() {
        let h = MachineHarness()
        h.addPeers("zed")
        #expect(h.run("zed", .login(password: "x")) == .refused("unknown user 'zed'"))
        #expect(!h.machine("zed").isLoggedIn)
    }

    @Test func loginTwiceAndLogoutWhenOutAreRefused() {
        let h = MachineHarness()
        h.addPeers("alice")
        h.registerAndLogin("alice")
        #expect(h.run("alice", .login(password: "pw-alice")) == .refused("alice is already logged in"))
        #expect(h.run("alice", .logout) == .done)
        #expect(h.registry?.online["alice"] == nil)
        #expect(h.run("alice", .logout) == .refused("alice is not logged in"))
        #expect(h.run("alice", .send(to: "bob", text: "x")) == .refused("alice is not logged in"))
        #expect(h.run("alice", .addFriend("bob")) == .refused("alice is not logged in"))
    }

    @Test func loginAtANewEndpointIsRecorded() {
        let h = MachineHarness()
        h.addPeers("alice")
        h.registerAndLogin("alice")
        h.crash("alice")
        h.restart("alice", endpoint: "tcp://10.0.0.9:7000")
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.registryDisk.accounts["alice"]?.endpoint == "tcp://10.0.0.9:7000")
        #expect(h.registry?.online["alice"] == "tcp://10.0.0.9:7000")
    }
}
