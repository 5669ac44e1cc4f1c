import ConfChatCore
import Testing

/// A peer's requests to the registry back off when the registry shows it is behind, a "busy"
/// answer makes it wait longer, and one late PONG does not make it log in again (protocol.md 5.1,
/// 5.2). With every request sent again every 100 ms and a LOGIN after each late PONG, 1,000
/// peers on two cores made their registry answer 207,203 repeated LOGINs in one run and 163,893
/// "busy" answers (`bench --hosts 3 --peers 1000`: performance.md, "Across hosts").
@Suite("Machines: requests back off")
struct RequestBackoffTests {
    func loginRequests(_ h: MachineHarness) -> [UInt32] {
        h.sent(.login, from: "alice", to: "registry").compactMap(\.requestNumber)
    }

    /// A LOGIN to a registry that does not answer, from a peer whose registry has kept up so
    /// far, goes every 100 ms: silence alone does not say late, and on a lossy link every copy
    /// is another chance (`RegistryPace`).
    @Test func aRequestGoesEvery100msWhileTheRegistryKeepsUp() {
        let h = MachineHarness.twoFriends()
        #expect(h.run("alice", .logout) == .done)
        h.crashRegistry()
        h.clearRecords()
        #expect(h.run("alice", .login(password: "pw-alice")) == .done, "from local credentials")
        h.advance(by: h.config.requestTimeout - 1)
        #expect(loginRequests(h).count == 20)
        #expect(Set(loginRequests(h)).count == 1, "the same request each time")
    }

    /// Answers to copies the peer no longer waits for say the registry reads them late: the
    /// waits double up to 800 ms, and a LOGIN goes at 0, 100, 300, 700 and 1,500 ms, 5 times
    /// in its 2 s; answers to requests sent once bring them back down.
    @Test func aRegistryThatAnswersCopiesLateIsAskedLessOften() {
        let h = MachineHarness.twoFriends()
        #expect(h.run("alice", .logout) == .done)
        for _ in 0..<3 { h.inject(from: "registry", to: "alice", .reply(req: 9_999, error: nil)) }
        h.crashRegistry()
        h.clearRecords()
        #expect(h.run("alice", .login(password: "pw-alice")) == .done, "from local credentials")
        h.advance(by: h.config.requestTimeout - 1)
        #expect(loginRequests(h).count == 5)

        h.restartRegistry()
        #expect(h.run("alice", .logout) == .done)
        for _ in 0..<3 {
            #expect(h.run("alice", .login(password: "pw-alice")) == .done)
            #expect(h.run("alice", .logout) == .done)
        }
        h.crashRegistry()
        h.clearRecords()
        #expect(h.run("alice", .login(password: "pw-alice")) == .done)
        h.advance(by: h.config.requestTimeout - 1)
        #expect(loginRequests(h).count == 20, "three prompt answers: back to every 100 ms")
    }

    /// "Busy" is no verdict: the request is not failed at once (for the user, or a bench, to
    /// ask again at once), but sent again a second later, under a new number, and the command
    /// completes with that answer.
    @Test func aBusyRegistryIsAskedAgainASecondLater() {
        let h = MachineHarness()
        h.addPeers("alice")
        h.holding = true
        let id = h.start("alice", .register(password: "pw-alice"))
        let first = h.sent(.register, from: "alice", to: "registry").compactMap(\.requestNumber)
        #expect(first.count == 1)
        #expect(h.lose { $0.message.kind == .register })
        h.inject(from: "registry", to: "alice", .reply(req: first[0], error: RegistryLimits.busyRefusal))
        #expect(h.outcome(id) == nil, "still waiting, not refused")
        h.advance(by: 999)
        #expect(h.sent(.register, from: "alice", to: "registry").count == 1, "nothing sent for a second")
        h.holding = false
        h.advance(by: 1)
        let sent = h.sent(.register, from: "alice", to: "registry").compactMap(\.requestNumber)
        #expect(sent.count == 2)
        #expect(sent.last != first[0], "a new number: the registry answers a repeat of the old one busy again")
        #expect(h.outcome(id) == .done)
        #expect(h.registryDisk.accounts["alice"] != nil)
    }

    /// A registry still busy when the request's time is up: the command fails with its answer,
    /// after asking twice (at once, and a second later; the next wait, 2 s, ends past the
    /// request's 2 s).
    @Test func aRegistryBusyToTheEndFailsTheCommandWithItsAnswer() {
        let h = MachineHarness()
        h.addPeers("alice")
        h.holding = true
        let id = h.start("alice", .register(password: "pw-alice"))
        var answered: Set<UInt32> = []
        while h.outcome(id) == nil, h.now < SimInstant(milliseconds: 10_000) {
            while h.lose(where: { $0.message.kind == .register }) {}
            for r in h.sent(.register, from: "alice", to: "registry").compactMap(\.requestNumber) where answered.insert(r).inserted {
                h.inject(from: "registry", to: "alice", .reply(req: r, error: RegistryLimits.busyRefusal))
            }
            h.advance(by: 50)
        }
        #expect(h.outcome(id) == .refused(RegistryLimits.busyRefusal))
        #expect(answered.count == 2)
    }

    /// One PONG lost (or late) is no reason to log in again; two in a row are.
    @Test func oneMissedPongIsNoReasonToLogInAgain() {
        let h = MachineHarness.twoFriends()
        let lostPong: (MachineHarness.Envelope) -> Bool = { $0.message.kind == .pong && $0.to == "alice" }
        h.toLose = [lostPong]
        h.advance(by: 3 * h.config.registryPingInterval)
        #expect(loginRequests(h).isEmpty)
        #expect(h.machine("alice").registryAnswers == true)
        h.toLose = [lostPong, lostPong]
        h.advance(by: 3 * h.config.registryPingInterval)
        #expect(loginRequests(h).count == 1)
    }
}
