import ConfChatCore
import Testing

/// Exactly-once, in-order delivery: direct, through the mailbox, with duplicates and gaps.
@Suite("Machines: delivery")
struct DeliveryTests {
    /// alice and bob, registered, logged in and friends.
    func friends() -> MachineHarness { MachineHarness.twoFriends() }

    @Test func sendToANonFriendIsRefused() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        #expect(h.run("alice", .send(to: "bob", text: "hi")) == .refused("bob is not a friend of alice"))
        #expect(h.sent(.chat, from: "alice", to: "bob") == [])
        #expect(h.sent(.deposit, from: "alice", to: "registry") == [])
        #expect(h.disks["alice"]?.conversations == [:])
    }

    @Test func oversizedMessageIsRefused() {
        let h = friends()
        let text = String(repeating: "x", count: WireCodec.maxBodySize + 1)
        #expect(h.run("alice", .send(to: "bob", text: text)) == .refused("message is 65537 bytes, over the limit of 65536"))
        #expect(h.disks["alice"]?.conversations == [:])
    }

    @Test func messageToAnOnlineFriendIsDeliveredOnce() {
        let h = friends()
        #expect(h.run("alice", .send(to: "bob", text: "hello bob 👋")) == .done)
        #expect(h.delivered("bob") == ["alice#1 hello bob 👋"])
        #expect(h.chats(from: "alice", to: "bob") == ["#1 hello bob 👋"])
        #expect(h.sent(.chatAck, from: "bob", to: "alice") == [.chatAck(upTo: 1)])
        #expect(h.sent(.deposit, from: "alice", to: "registry") == [])
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 1)
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 hello bob 👋"])
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 hello bob 👋"])
        // Retry timers find nothing to resend.
        h.advance(by: 10_000)
        #expect(h.delivered("bob") == ["alice#1 hello bob 👋"])
        #expect(h.sent(.chat, from: "alice", to: "bob").count == 1)
        // Both directions are backed up at the registry.
        #expect(h.registryDisk.backups["alice"] == [BackupEntry(peer: "bob", outgoing: true, seq: 1, body: Array("hello bob 👋".utf8))])
        // bob's copy keeps alice's proof, so that he can give it back to her after a wipe.
        let proof = h.disks["bob"]?.conversations["alice"]?.received.first?.proof ?? []
        #expect(!proof.isEmpty)
        #expect(h.registryDisk.backups["bob"] == [BackupEntry(peer: "alice", outgoing: false, seq: 1, body: Array("hello bob 👋".utf8), proof: proof)])
    }

    @Test func conversationRunsBothWaysWithSeparateSequences() {
        let h = friends()
        for text in ["a1", "a2", "a3"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        for text in ["b1", "b2"] { #expect(h.run("bob", .send(to: "alice", text: text)) == .done) }
        #expect(h.delivered("bob") == ["alice#1 a1", "alice#2 a2", "alice#3 a3"])
        #expect(h.delivered("alice") == ["bob#1 b1", "bob#2 b2"])
    }

    @Test func messagesToALoggedOutFriendWaitInTheMailboxAndArriveInOrder() {
        let h = friends()
        #expect(h.run("bob", .logout) == .done)
        for text in ["one", "two", "three"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        #expect(h.sent(.chat, from: "alice", to: "bob") == [])
        #expect(h.sent(.deposit, from: "alice", to: "registry").count == 3)
        #expect(h.registryDisk.mailbox["bob"]?.map(\.seq) == [1, 2, 3])
        // The sender goes away too: only the registry holds the messages now.
        #expect(h.run("alice", .logout) == .done)
        #expect(h.sent(.deposit, from: "alice", to: "registry").count == 3, "deposited messages are not deposited again")

        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.delivered("bob") == ["alice#1 one", "alice#2 two", "alice#3 three"])
        #expect(h.sent(.mailboxAck, from: "bob", to: "registry") == [.mailboxAck(from: "alice", upTo: 3)])
        #expect(h.registryDisk.mailbox["bob"] == nil)

        // When alice returns, she learns from bob's HELLO that all three arrived.
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 0)
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 3)
        #expect(h.delivered("bob").count == 3)
    }

    @Test func mailboxAndDirectCopiesOfTheSameMessagesAreDeliveredOnce() {
        let h = friends()
        #expect(h.run("bob", .logout) == .done)
        for text in ["m1", "m2"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        // alice stays online: bob's HELLO makes her resend directly, and the registry sends the mailbox too.
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.delivered("bob") == ["alice#1 m1", "alice#2 m2"])
        #expect(h.events("bob").filter { if case .duplicate = $0 { true } else { false } }.count == 2)
        #expect(h.registryDisk.mailbox["bob"] == nil)
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 2)
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 m1", "#2 m2"])
    }

    @Test func aRedeliveredChatIsDroppedAndAcked() {
        let h = friends()
        #expect(h.run("alice", .send(to: "bob", text: "once")) == .done)
        h.clearRecords()
        h.inject(from: "alice", to: "bob", .chat(seq: 1, body: Array("once".utf8)))
        #expect(h.events("bob") == [.duplicate(from: "alice", seq: 1)])
        #expect(h.sent(.chatAck, from: "bob", to: "alice") == [.chatAck(upTo: 1)])
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 once"])
        // An old copy with a different body changes nothing either: (sender, seq) is the identity.
        h.inject(from: "alice", to: "bob", .chat(seq: 1, body: Array("forged".utf8)))
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 once"])
    }

    @Test func outOfOrderChatIsHeldBackThenReleasedInOrder() {
        let h = friends()
        h.holding = true
        for text in ["first", "second", "third"] { #expect(h.run("alice", .send(to: "bob", text: text)) == .done) }
        #expect(h.inFlight.filter { $0.message.kind == .chat }.count == 3)
        let chat = { (seq: UInt64) in { (e: MachineHarness.Envelope) in
            if case .chat(seq, _, _) = e.message { true } else { false } } }

        #expect(h.deliverFirst(where: chat(3)))
        #expect(h.deliverFirst(where: chat(2)))
        #expect(h.delivered("bob") == [])
        #expect(h.events("bob") == [.heldBack(from: "alice", seq: 3, expecting: 1), .heldBack(from: "alice", seq: 2, expecting: 1)])
        #expect(h.inFlight.filter { $0.from == "bob" }.map(\.message) == [.chatAck(upTo: 0), .chatAck(upTo: 0)])
        #expect(h.disks["bob"]?.conversations["alice"] == nil, "held-back messages are not stored yet")

        #expect(h.deliverFirst(where: chat(1)))
        #expect(h.delivered("bob") == ["alice#1 first", "alice#2 second", "alice#3 third"])
        // To alice, one cumulative acknowledgement; the three BACKUPs go to the registry after it.
        #expect(h.inFlight.filter { $0.from == "bob" && $0.to == "alice" }.last?.message == .chatAck(upTo: 3))
        h.holding = false
        h.settle()
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 3)
        #expect(h.conversation("bob", with: "alice", outgoing: false) == ["#1 first", "#2 second", "#3 third"])
    }

    @Test func lostChatIsRetriedUntilAcked() {
        let h = friends()
        h.holding = true
        #expect(h.run("alice", .send(to: "bob", text: "lost")) == .done)
        h.crash("bob")  // the CHAT in flight is lost with bob's inbox...
        h.restart("bob")
        h.holding = false
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        // ...and arrives once bob is back: alice resends on his HELLO.
        #expect(h.delivered("bob") == ["alice#1 lost"])
        #expect(h.disks["alice"]?.conversations["bob"]?.acked == 1)
    }

    @Test func nextSeqAfterAcksContinues() {
        let h = friends()
        #expect(h.run("alice", .send(to: "bob", text: "1")) == .done)
        #expect(h.run("bob", .logout) == .done)
        #expect(h.run("alice", .send(to: "bob", text: "2")) == .done)
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.run("alice", .send(to: "bob", text: "3")) == .done)
        #expect(h.delivered("bob") == ["alice#1 1", "alice#2 2", "alice#3 3"])
        #expect(h.conversation("alice", with: "bob", outgoing: true) == ["#1 1", "#2 2", "#3 3"])
    }
}
