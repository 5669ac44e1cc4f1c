import ConfChatCore
import Testing

/// Friend requests, answers and removals, online and offline.
@Suite("Machines: friends")
struct FriendTests {
    @Test func requestAndAccept() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")

        #expect(h.run("alice", .addFriend("bob")) == .done)
        #expect(h.events("bob") == [.friendRequest(from: "alice")])
        #expect(h.disks["bob"]?.requests == ["alice"])
        #expect(h.registryDisk.requests == ["bob": ["alice"]])
        #expect(h.machine("alice").sees("bob") == nil)

        #expect(h.run("bob", .accept("alice")) == .done)
        #expect(h.disks["alice"]?.friends == ["bob": "inproc://bob"])
        #expect(h.disks["bob"]?.friends == ["alice": "inproc://alice"])
        #expect(h.disks["bob"]?.requests == [])
        #expect(h.registryDisk.requests.isEmpty)
        #expect(h.registryDisk.areFriends("alice", "bob"))
        // Both are told, and they find each other online at once (HELLO, no waiting).
        #expect(h.events("alice").contains(.friendAdded("bob")))
        #expect(h.events("bob").contains(.friendAdded("alice")))
        #expect(h.machine("alice").sees("bob") == true)
        #expect(h.machine("bob").sees("alice") == true)
        #expect(h.presence("alice") == ["bob online (hello)"])
        #expect(h.presence("bob") == ["alice online (hello)"])
    }

    /// A friendship costs one HELLO and its answer, not a greeting from each side and an
    /// answer to each (protocol.md 5.3): bob, who accepted, greets; alice answers.
    @Test func aFriendshipIsOneHelloAndItsAnswer() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        #expect(h.run("alice", .addFriend("bob")) == .done)
        let before = h.sent.count
        #expect(h.run("bob", .accept("alice")) == .done)
        let hellos = h.sent[before...].filter { $0.message.kind == .hello }
        #expect(hellos.map(\.description) == ["bob->alice HELLO", "alice->bob HELLO"])
        #expect(hellos.map { (e: MachineHarness.Envelope) -> Bool? in
            if case let .hello(_, _, _, isReply) = e.message { isReply } else { nil }
        } == [false, true])
        #expect(h.machine("alice").sees("bob") == true)
        #expect(h.machine("bob").sees("alice") == true)
    }

    /// The greeting may outrun the FRIEND-ADDED that tells alice of the friendship (another
    /// connection, another route): she ignores it then, and the two meet at the next heartbeat,
    /// where each probes a friend it has not heard from (protocol.md 6.5).
    @Test func aGreetingAheadOfItsFriendAddedIsMetAtTheNextHeartbeat() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        #expect(h.run("alice", .addFriend("bob")) == .done)
        h.holding = true
        let id = h.start("bob", .accept("alice"))
        #expect(h.deliverFirst { $0.message.kind == .friendAnswer })
        #expect(h.deliverFirst { $0.to == "bob" && $0.message.kind == .friendAdded })
        #expect(h.deliverFirst { $0.from == "bob" && $0.to == "alice" && $0.message.kind == .hello })
        #expect(h.events("alice").contains(.refused("ignored HELLO from bob: not a contact")))
        h.holding = false
        h.settle()
        #expect(h.outcome(id) == .done)
        #expect(h.disks["alice"]?.friends == ["bob": "inproc://bob"])
        #expect(h.machine("alice").sees("bob") == false)
        #expect(h.machine("bob").sees("alice") == false)
        h.advance(by: h.config.heartbeatInterval)
        #expect(h.machine("alice").sees("bob") == true)
        #expect(h.machine("bob").sees("alice") == true)
    }

    @Test func decline() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        #expect(h.run("alice", .addFriend("bob")) == .done)
        #expect(h.run("bob", .decline("alice")) == .done)
        #expect(h.disks["bob"]?.requests == [])
        #expect(h.disks["bob"]?.friends == [:])
        #expect(h.disks["alice"]?.friends == [:])
        #expect(h.registryDisk.requests.isEmpty)
        #expect(!h.registryDisk.areFriends("alice", "bob"))
        #expect(h.machine("alice").sees("bob") == nil)
        // A declined request cannot be accepted afterwards.
        #expect(h.run("bob", .accept("alice")) == .refused("no pending friend request from alice"))
    }

    @Test func refusedRequests() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        #expect(h.run("alice", .addFriend("alice")) == .refused("cannot befriend yourself"))
        #expect(h.run("alice", .addFriend("zed")) == .refused("no such user 'zed'"))
        #expect(h.run("bob", .accept("alice")) == .refused("no pending friend request from alice"))
        #expect(h.run("bob", .decline("alice")) == .refused("no pending friend request from alice"))
        h.befriend("alice", "bob")
        #expect(h.run("alice", .addFriend("bob")) == .refused("bob is already a friend"))
        #expect(h.run("alice", .removeFriend("zed")) == .refused("zed is not a friend"))
    }

    @Test func requestToAnOfflineUserWaitsForTheirLogin() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        #expect(h.run("bob", .logout) == .done)
        #expect(h.run("alice", .addFriend("bob")) == .done)
        #expect(h.events("bob") == [])
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.events("bob") == [.friendRequest(from: "alice")])
        #expect(h.disks["bob"]?.requests == ["alice"])

        // Accepted while alice is offline: she learns it at her next login, and they meet.
        #expect(h.run("alice", .logout) == .done)
        #expect(h.run("bob", .accept("alice")) == .done)
        #expect(h.disks["alice"]?.friends == [:])
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.disks["alice"]?.friends == ["bob": "inproc://bob"])
        #expect(h.machine("alice").sees("bob") == true)
        #expect(h.machine("bob").sees("alice") == true)
    }

    @Test func removeFriend() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        h.clearRecords()

        #expect(h.run("alice", .removeFriend("bob")) == .done)
        #expect(h.disks["alice"]?.friends == [:])
        #expect(h.disks["bob"]?.friends == [:])
        #expect(h.events("alice") == [.friendRemoved("bob")])
        #expect(h.events("bob") == [.friendRemoved("alice")])
        #expect(!h.registryDisk.areFriends("alice", "bob"))
        #expect(h.machine("alice").sees("bob") == nil)
        #expect(h.run("alice", .send(to: "bob", text: "still there?")) == .refused("bob is not a friend of alice"))
        #expect(h.run("bob", .send(to: "alice", text: "hey")) == .refused("alice is not a friend of bob"))
    }

    @Test func removalWhileOfflineIsSeenAtLogin() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        #expect(h.run("bob", .logout) == .done)
        #expect(h.run("alice", .removeFriend("bob")) == .done)
        #expect(h.disks["bob"]?.friends == ["alice": "inproc://alice"])
        h.clearRecords()
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.disks["bob"]?.friends == [:])
        #expect(h.events("bob").contains(.friendRemoved("alice")))
    }

    @Test func strangersAreIgnored() {
        let h = MachineHarness()
        h.addPeers("alice", "mallory")
        h.registerAndLogin("alice", "mallory")
        h.clearRecords()
        h.inject(from: "mallory", to: "alice", .chat(seq: 1, body: Array("buy now".utf8)))
        #expect(h.delivered("alice") == [])
        #expect(h.events("alice") == [.refused("ignored CHAT from mallory: not a contact")])
        #expect(h.sent.filter { $0.from == "alice" } == [])
        #expect(h.disks["alice"]?.conversations == [:])
        // Nor can a stranger leave mail through the registry.
        h.inject(from: "mallory", to: "registry", .deposit(to: "alice", seq: 1, body: Array("spam".utf8)))
        #expect(h.registryDisk.mailbox == [:])
        #expect(h.registryNotes == ["refused DEPOSIT from mallory to alice: not friends"])
    }
}
