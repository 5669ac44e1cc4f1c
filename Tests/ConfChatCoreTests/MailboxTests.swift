import ConfChatCore
import Testing

/// The registry's mailbox under load and abuse: paged delivery, a bound per recipient, mail
/// that does not open.
@Suite("Machines: mailbox pages and limits")
struct MailboxTests {
    /// alice and bob friends; bob logged out, so what alice sends waits in the mailbox.
    func bobAway() -> MachineHarness {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        #expect(h.run("bob", .logout) == .done)
        h.clearRecords()
        return h
    }

    func text(_ i: Int, size: Int) -> String {
        let tag = "m\(i) "
        return tag + String(repeating: "x", count: size - tag.utf8.count)
    }

    /// 300 mail items of 60 KB (18 MB) once made a LOGIN-REPLY no frame limit lets through:
    /// the user got none of them and could not log in without local credentials.
    @Test func largeMailArrivesInPagesThatFitAFrame() throws {
        let h = bobAway()
        for i in 1...300 { #expect(h.run("alice", .send(to: "bob", text: text(i, size: 60_000))) == .done) }
        #expect(h.registryDisk.mailbox["bob"]?.count == 300)
        #expect(h.run("alice", .logout) == .done)  // so everything comes by mail, none directly
        h.wipe("bob")  // no local credentials: the login completes only on LOGIN-REPLY
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        h.advance(by: 100)
        #expect(h.delivered("bob").count == 300)
        #expect(h.delivered("bob").last?.hasPrefix("alice#300 m300 ") == true)
        #expect(h.registryDisk.mailbox["bob"] == nil, "every item acknowledged and deleted")
        let replies = h.sent(.loginReply, from: "registry", to: "bob")
        guard case let .loginReply(_, snapshot) = replies.last else {
            Issue.record("no LOGIN-REPLY")
            return
        }
        #expect(snapshot.mailbox.count == 17, "1 MiB of 60 KB items")
        #expect(snapshot.mailWaiting == MailWaiting(items: 283, octets: 283 * 60_000))
        let pages = h.sent(.mailPage, from: "registry", to: "bob")
        #expect(pages.count == 17)
        for page in try pages.map({ try WireCodec.encode($0) }) { #expect(page.count < 2 * RegistryLimits.mailPageOctets) }
        #expect(h.sent(.mailFetch, from: "bob", to: "registry").count == 17)
    }

    /// A full mailbox refuses more mail with a reason; the sender keeps the message and it
    /// arrives once there is room again.
    @Test func aFullMailboxRefusesAndTheSenderDeliversLater() {
        let h = bobAway()
        for i in 1...RegistryLimits.mailboxItems { #expect(h.run("alice", .send(to: "bob", text: "n\(i)")) == .done) }
        #expect(h.registryDisk.mailbox["bob"]?.count == RegistryLimits.mailboxItems)
        #expect(h.run("alice", .send(to: "bob", text: "one too many")) == .done)
        let last = UInt64(RegistryLimits.mailboxItems + 1)
        #expect(h.sent(.depositRefused, from: "registry", to: "alice") == [
            .depositRefused(to: "bob", seq: last, reason: "bob's mailbox is full: try again later")])
        #expect(h.registryDisk.mailbox["bob"]?.count == RegistryLimits.mailboxItems)
        #expect(h.events("alice").contains(.note("the registry refused our mail #\(last) to bob (bob's mailbox is full: try again later): kept, to send later")))
        // Retries wait: nothing is deposited again within the wait.
        h.advance(by: 5_000)
        #expect(h.sent(.deposit, from: "alice", to: "registry").count == RegistryLimits.mailboxItems + 1)
        // bob drains the mailbox; the refused message arrives after all the others.
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        h.advance(by: 12_000)
        #expect(h.delivered("bob").count == RegistryLimits.mailboxItems + 1)
        #expect(h.delivered("bob").last == "alice#\(last) one too many")
    }

    /// Mail that does not open (a hostile or broken client deposited an unsealed body) was
    /// offered at every PING for ever: now the recipient drops it and the registry deletes it.
    @Test func mailThatDoesNotOpenIsDroppedAndDeleted() {
        let h = bobAway()
        #expect(h.run("alice", .send(to: "bob", text: "one")) == .done)
        h.inject(from: "alice", to: "registry", .deposit(to: "bob", seq: 2, body: [0xDE, 0xAD]))
        #expect(h.registryDisk.mailbox["bob"]?.count == 2)
        // bob's shell could not open #2 (no sealed box, as from a broken client).
        h.feed("bob", .unopenedMail(from: "alice", seq: 2))
        #expect(h.sent(.mailDrop, from: "bob", to: "registry") == [.mailDrop(from: "alice", seq: 2)])
        #expect(h.events("bob").contains(.note("dropped mail alice#2: it does not open with our key")))
        #expect(h.registryNotes.contains("deleted mail alice#2 for bob: bob could not open it"))
        #expect(h.registryDisk.mailbox["bob"]?.map(\.seq) == [1], "only that item is deleted")
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        #expect(h.delivered("bob") == ["alice#1 one"])
        #expect(h.registryDisk.mailbox["bob"] == nil)
        // Nothing is offered again at the PINGs that follow.
        h.clearRecords()
        h.advance(by: 10_000)
        #expect(h.sent(.mailPage, from: "registry", to: "bob") == [])
    }

    @Test func pagesFollowSenderAndSeqOrderAndSayWhatWaits() {
        var d = RegistryDurableState()
        let big = [UInt8](repeating: 1, count: 600 * 1024)
        d.apply(.addMail(to: "bob", MailItem(from: "carol", seq: 1, body: [1])))
        d.apply(.addMail(to: "bob", MailItem(from: "alice", seq: 2, body: big)))
        d.apply(.addMail(to: "bob", MailItem(from: "alice", seq: 1, body: big)))
        let first = d.mailPage("bob")
        #expect(first.items.map { "\($0.from)#\($0.seq)" } == ["alice#1"])
        #expect(first.waiting == MailWaiting(items: 2, octets: UInt64(big.count + 1)))
        let second = d.mailPage("bob", after: ("alice", 1))
        #expect(second.items.map { "\($0.from)#\($0.seq)" } == ["alice#2", "carol#1"])
        #expect(second.waiting == .none)
        // One item bigger than a page still goes, alone.
        d.apply(.addMail(to: "dave", MailItem(from: "x", seq: 1, body: [UInt8](repeating: 0, count: RegistryLimits.mailPageOctets + 1))))
        #expect(d.mailPage("dave").items.count == 1)
    }

    /// Mail items carry their sender's proof (protocol.md 6.7) in every page, not only in
    /// the first: a wiped recipient that got its mail in pages can still give each message
    /// back to its sender.
    @Test func everyPageKeepsTheSendersProofs() {
        let h = bobAway()
        for i in 1...20 { #expect(h.run("alice", .send(to: "bob", text: text(i, size: 60_000))) == .done) }
        let deposited = h.sent(.deposit, from: "alice", to: "registry").compactMap { m -> [UInt8]? in
            if case let .deposit(_, _, _, proof) = m { proof } else { nil }
        }
        #expect(deposited.count == 20 && deposited.allSatisfy { !$0.isEmpty })
        #expect(h.run("alice", .logout) == .done)
        h.wipe("bob")
        #expect(h.run("bob", .login(password: "pw-bob")) == .done)
        h.advance(by: 100)
        let paged = h.sent(.mailPage, from: "registry", to: "bob").flatMap { m -> [MailItem] in
            if case let .mailPage(_, items) = m { items } else { [] }
        }
        #expect(!paged.isEmpty, "more than the first page")
        #expect(paged.allSatisfy { $0.proof == deposited[Int($0.seq) - 1] })
        let received = h.disks["bob"]?.conversations["alice"]?.received ?? []
        #expect(received.count == 20 && received.allSatisfy { !$0.proof.isEmpty })
    }
    func pageOctets(_ pages: [WireMessage]) -> Int {
        pages.reduce(0) { sum, m in
            if case let .mailPage(_, items) = m { sum + items.reduce(0) { $0 + $1.body.count } } else { sum }
        }
    }

    /// A MAIL-FETCH costs its sender a few octets and made the registry send a page of up to
    /// 1 MiB every time: 400 fetches from a client that did not read its socket took a real
    /// registry from 86 MB to 479 MB of queued pages. Pages now come out of a budget per
    /// recipient: a whole mailbox at once, then a page every 10 s.
    @Test func aMailFetchLoopGetsNoMoreThanTheMailBudget() {
        let h = bobAway()
        for i in 1...300 { #expect(h.run("alice", .send(to: "bob", text: text(i, size: 60_000))) == .done) }
        for _ in 1...100 { h.inject(from: "bob", to: "registry", .mailFetch(after: "", seq: 0)) }
        let sent = pageOctets(h.sent(.mailPage, from: "registry", to: "bob"))
        #expect(sent >= RegistryLimits.mailboxOctets, "a whole mailbox's worth goes at once")
        #expect(sent <= RegistryLimits.mailBudgetOctets)
        #expect(h.registryNotes.contains("mail for bob held back: more than \(RegistryLimits.mailBudgetOctets) octets of pages asked for; a page every 10 s"))
        // The budget refills: one page 10 s later, not 100.
        h.clearRecords()
        h.advance(by: 10_000)
        for _ in 1...100 { h.inject(from: "bob", to: "registry", .mailFetch(after: "", seq: 0)) }
        #expect(h.sent(.mailPage, from: "registry", to: "bob").count == 1)
    }
}
