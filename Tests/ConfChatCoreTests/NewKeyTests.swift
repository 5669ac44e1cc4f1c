import ConfChatCore
import Testing

/// A recipient wiped, with a new key pair: what a sender deposited for it, sealed to the old
/// key, no longer opens, and must be deposited again (protocol.md 6.6, "A new key"). The
/// harness seals nothing, so a test plays the recipient's verdict (MAIL-DROP) itself.
@Suite("Machines: mail for a recipient with a new key")
struct NewKeyTests {
    /// alice owns `team` with bob and dave, her friends and not each other's; each has a key.
    func team() -> MachineHarness {
        let h = MachineHarness()
        h.publicKeys = ["alice": [0xA1], "bob": [0xB1], "dave": [0xD1]]
        for name in ["alice", "bob", "dave"] {
            h.addPeers(name)
            h.registerAndLogin(name)
        }
        h.befriend("bob", "alice")
        h.befriend("dave", "alice")
        h.makeGroup("team", owner: "alice", members: ["bob", "dave"])
        #expect(h.machine("dave").durable.keys["bob"] == [0xB1])
        return h
    }

    func isDepositAck(_ e: MachineHarness.Envelope) -> Bool { e.to == "dave" && e.message.kind == .depositAck }
    func isMailForBob(_ e: MachineHarness.Envelope) -> Bool { e.to == "bob" && [.mailbox, .mailPage].contains(e.message.kind) }

    /// Chaos seed 270 (6 peers, 120 steps, --network): dave deposited g45 sealed to the key
    /// bob had lost, and learned bob's new key before the registry's DEPOSIT-ACK of it came.
    /// It took the late acknowledgement as holding the message under the new key and never
    /// deposited it again: bob never got g45.
    @Test func anAcknowledgementThatComesAfterANewKeyDoesNotCountForIt() {
        let h = team()
        #expect(h.run("bob", .logout) == .done)
        h.publicKeys["bob"] = [0xB2]
        h.wipe("bob")
        h.partition("dave", "bob")
        h.partition("dave", PeerName.registry)
        #expect(h.run("dave", .group(.send(group: "team", text: "g45"))) == .done)
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)  // dave misses the GROUP-UPDATE
        #expect(h.machine("dave").durable.keys["bob"] == [0xB1])
        h.heal()

        h.holding = true
        // dave's retry deposits g45, sealed to the key bob lost.
        var steps = 0
        while !h.deliverFirst(where: { $0.from == "dave" && $0.message.kind == .groupDeposit }), steps < 30 {
            h.advance(by: 100)
            steps += 1
        }
        // dave's PONG says it missed news; its new LOGIN brings bob's new key, ahead of the
        // DEPOSIT-ACK, which a reordering network holds back. The registry offers each deposit
        // to bob, who could not open it (held here, then lost: the harness seals nothing).
        steps = 0
        while h.machine("dave").durable.keys["bob"] != [0xB2], steps < 200 {
            if !h.deliverFirst(where: { !self.isDepositAck($0) && !self.isMailForBob($0) }) {
                h.advance(by: 100)
            }
            steps += 1
        }
        #expect(h.machine("dave").durable.keys["bob"] == [0xB2])
        let before = h.sent(.groupDeposit, from: "dave", to: PeerName.registry).count
        // Every copy offered to bob so far was sealed to the key he lost.
        while h.lose(where: isMailForBob) {}
        while h.deliverFirst(where: isDepositAck) {}
        h.holding = false
        h.settle()

        // Counted from when dave learnt the new key: at once if a retry had deposited it again
        // as the first of those awaited (that one's acknowledgement sends the rest, 6.4), else
        // at a retry, within the longest wait between two (2 s, 6.4) and a tick. Meanwhile the registry offers bob the old copy again with his PONGs: one he could not
        // open (the harness seals nothing, so it is lost here instead).
        h.toLose = Array(repeating: isMailForBob, count: 1_000)
        h.advance(by: 8_100)
        #expect(h.sent(.groupDeposit, from: "dave", to: PeerName.registry).count > before,
                "acknowledged under the key bob lost: deposited again")
        h.toLose = []
        h.advance(by: 2 * h.config.registryPingInterval)
        #expect(h.delivered("bob").contains("[team] dave#1 g45"))
    }

    /// alice and bob friends; bob away; alice's "one" waits in the registry's mailbox,
    /// sealed (as far as alice knows) to the key bob had before a wipe.
    func oneDeposited() -> MachineHarness {
        let h = MachineHarness.twoFriends()
        #expect(h.run("bob", .logout) == .done)
        #expect(h.run("alice", .send(to: "bob", text: "one")) == .done)
        #expect(h.registryDisk.mailbox["bob"]?.map(\.seq) == [1])
        return h
    }

    /// The recipient's verdict: bob cannot open #1 and has the registry delete it. alice, who
    /// took its DEPOSIT-ACK as the registry holding it, must hear of it, or bob never gets it.
    @Test func mailTheRecipientCannotOpenGoesBackToItsSender() {
        let h = oneDeposited()
        h.feed("bob", .unopenedMail(from: "alice", seq: 1))
        #expect(h.registryDisk.mailbox["bob"] == nil)
        #expect(h.sent(.mailReturned, from: PeerName.registry, to: "alice") == [.mailReturned(to: "bob", seq: 1)])
        h.advance(by: 2_100)
        #expect(h.registryDisk.mailbox["bob"]?.map(\.seq) == [1], "alice deposited it again")
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.delivered("bob") == ["alice#1 one"])
    }

    /// The MAIL-RETURNED is lost on the way: the next PONG shows alice missed news, and her
    /// new LOGIN's marks show the registry no longer holds #1.
    @Test func aLostMailReturnedIsMadeUpByTheNextLogin() {
        let h = oneDeposited()
        h.toLose = [{ $0.message.kind == .mailReturned }]
        h.feed("bob", .unopenedMail(from: "alice", seq: 1))
        #expect(h.registryDisk.mailbox["bob"] == nil)
        h.advance(by: 1_100)
        #expect(h.registryDisk.mailbox["bob"] == nil, "alice has not heard yet")
        h.advance(by: 5_000)
        #expect(h.events("alice").contains { if case let .note(text) = $0 { text.contains("logging in again") } else { false } })
        #expect(h.registryDisk.mailbox["bob"]?.map(\.seq) == [1], "alice deposited it again")
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.delivered("bob") == ["alice#1 one"])
    }
}
