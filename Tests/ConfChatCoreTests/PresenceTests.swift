import ConfChatCore
import Testing

/// Presence between friends: HELLO on login, BYE on logout, heartbeats and the presence timeout.
@Suite("Machines: presence")
struct PresenceTests {
    /// presenceTimeout 3 s, so heartbeats every 1 s.
    func friends(_ names: String...) -> MachineHarness {
        let h = MachineHarness(presenceTimeout: 3_000)
        for n in names { h.addPeers(n) }
        for n in names { h.registerAndLogin(n) }
        h.befriend(names[0], names[1])
        h.clearRecords()
        return h
    }

    @Test func configDerivesHeartbeatFromTimeout() {
        #expect(PeerConfig(presenceTimeout: 3_000).heartbeatInterval == 1_000)
        #expect(PeerConfig(presenceTimeout: 5_000).heartbeatInterval == 1_000)
        #expect(PeerConfig(presenceTimeout: 900).heartbeatInterval == 300)
        #expect(PeerConfig(presenceTimeout: 60).heartbeatInterval == 50)
    }

    @Test func logoutIsSeenAtOnce() {
        let h = friends("alice", "bob")
        let before = h.now
        #expect(h.run("bob", .logout) == .done)
        #expect(h.now == before, "no simulated time passed")
        #expect(h.sent(.bye, from: "bob", to: "alice") == [.bye])
        #expect(h.presence("alice") == ["bob offline (logged out)"])
        #expect(h.machine("alice").sees("bob") == false)
        // A logged-out friend is not probed, and stays offline however long we wait.
        h.clearRecords()
        h.advance(by: 10_000)
        #expect(h.sent(.heartbeat, from: "alice", to: "bob") == [])
        #expect(h.presence("alice") == [])

        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.presence("alice") == ["bob online (hello)"])
        #expect(h.machine("alice").sees("bob") == true)
    }

    @Test func onlyFriendsSeeEachOther() {
        let h = friends("alice", "bob", "carol")
        #expect(h.machine("alice").sees("carol") == nil)
        #expect(h.run("carol", .logout) == .done)
        #expect(h.sent(.bye, from: "carol", to: "alice") == [])
        #expect(h.presence("alice") == [])
    }

    /// A peer that did not run for a while (a stopped process, a thread that got no core)
    /// reads its friends' heartbeats, waiting in its inbox, before their silence counts: its
    /// own timer, fired late, says how long it was away. 1,000 peers on two cores each saw
    /// both friends go offline about three times a run (`bench --hosts 3 --peers 1000`).
    @Test func aPeerThatDidNotRunReadsItsFriendsBeforeCallingThemSilent() {
        let h = friends("alice", "bob")
        h.advance(by: 2_500)
        h.stall("alice", for: 3 * h.config.presenceTimeout)
        #expect(h.presence("alice") == [], "bob's heartbeats waited for her: he never went silent")
        #expect(h.machine("alice").sees("bob") == true)
        // Once she runs on time again, silence counts as before.
        h.crash("bob")
        h.advance(by: h.config.presenceTimeout + 2 * h.config.heartbeatInterval)
        #expect(h.machine("alice").sees("bob") == false)
    }

    @Test func silenceIsSeenAsOfflineAfterThePresenceTimeoutNotBefore() throws {
        let h = friends("alice", "bob")
        h.advance(by: 2_500)  // heartbeats flow; nobody goes offline
        #expect(h.presence("alice") == [])
        #expect(h.sent(.heartbeat, from: "bob", to: "alice").count == 2)

        h.crash("bob")
        let heard = try #require(h.lastHeard["alice"]?["bob"])
        #expect(heard == .init(milliseconds: 2_000))

        // One millisecond before the timeout alice still sees bob.
        h.advance(to: heard + (h.config.presenceTimeout - 1))
        #expect(h.machine("alice").sees("bob") == true)
        #expect(h.presence("alice") == [])

        // At the next heartbeat tick at or after the timeout, he is offline.
        h.advance(to: heard + h.config.presenceTimeout + h.config.heartbeatInterval)
        #expect(h.machine("alice").sees("bob") == false)
        let offline = try #require(h.log.first { $0.peer == "alice" && $0.event == .presence(friend: "bob", online: false, reason: "silent for 3000ms") })
        #expect(offline.at == heard + h.config.presenceTimeout)

        // Messages sent now go to the mailbox, and bob gets them when he returns.
        #expect(h.run("alice", .send(to: "bob", text: "are you there?")) == .done)
        #expect(h.sent(.deposit, from: "alice", to: "registry").map { if case let .deposit(to, seq, body, _) = $0 { "\(to)#\(seq) \(String(decoding: body, as: UTF8.self))" } else { "" } }
                == ["bob#1 are you there?"])
        h.restart("bob")
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.delivered("bob") == ["alice#1 are you there?"])
        #expect(h.machine("alice").sees("bob") == true)
    }

    @Test func timedOutFriendsAreProbedAndFoundAgainAfterAPartition() {
        let h = friends("alice", "bob")
        h.partition("alice", "bob")
        h.advance(by: 5_000)
        #expect(h.presence("alice") == ["bob offline (silent for 3000ms)"])
        #expect(h.presence("bob") == ["alice offline (silent for 3000ms)"])
        // Heartbeats while bob still looked online, then HELLO probes (they carry alice's
        // endpoint, in case bob kept a stale one), all dropped by the partition.
        #expect(h.dropped.filter { $0.from == "alice" && $0.to == "bob" }.map(\.message.kind)
            == [.heartbeat, .heartbeat, .hello, .hello, .hello])

        // A message sent across the cut goes through the registry's mailbox (both still reach it).
        #expect(h.run("alice", .send(to: "bob", text: "via the mailbox")) == .done)
        #expect(h.delivered("bob") == ["alice#1 via the mailbox"])
        #expect(h.registryDisk.mailbox["bob"] == nil)

        h.heal()
        h.clearRecords()
        h.advance(by: h.config.heartbeatInterval)
        #expect(h.machine("alice").sees("bob") == true)
        #expect(h.machine("bob").sees("alice") == true)
        #expect(h.presence("alice") == ["bob online (hello)"])
        #expect(h.presence("bob") == ["alice online (hello)"])
        #expect(h.delivered("bob") == [], "the mailbox copy is not delivered again")
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 1)
    }

    @Test func heartbeatsStopAfterLogout() {
        let h = friends("alice", "bob")
        #expect(h.run("alice", .logout) == .done)
        h.clearRecords()
        h.advance(by: 5_000)
        #expect(h.sent.filter { $0.from == "alice" } == [])
    }
}
