import ConfChatCore
import Testing

/// A peer sends a request again when it or its answer may have been lost; the registry
/// answers a repeat as it answered the request, and carries nothing out twice.
@Suite("Machines: repeated requests")
struct RepeatedRequestTests {
    func registry() -> RegistryMachine {
        var d = RegistryDurableState()
        for n in ["alice", "bob"] { d.apply(.addAccount(name: n, hash: "hash:pw", endpoint: "inproc://\(n)", key: [])) }
        var r = RegistryMachine(durable: d)
        for n in ["alice", "bob"] {
            _ = r.handleChecked(from: n, .login(req: 1, name: n, password: "pw", endpoint: "inproc://\(n)", wantBackup: false, key: []))
        }
        return r
    }

    func replies(_ effects: [RegistryEffect]) -> [String] {
        effects.compactMap { if case let .send(_, .reply(_, error)) = $0 { error ?? "ok" } else { nil } }
    }

    func sends(_ effects: [RegistryEffect]) -> [String] {
        effects.compactMap { if case let .send(to, m) = $0 { "\(to.name) \(m.kind.name)" } else { nil } }
    }

    @Test func aRepeatedRegisterIsAnsweredOkAgainNotTaken() {
        var r = RegistryMachine(durable: RegistryDurableState())
        let register = WireMessage.register(req: 1, name: "carol", password: "pw", endpoint: "inproc://carol", key: [])
        #expect(replies(r.handleChecked(from: "carol", register)) == ["ok"])
        #expect(replies(r.handleChecked(from: "carol", register, now: SimInstant(milliseconds: 250))) == ["ok"])
        #expect(r.durable.accounts.count == 1)
        // The same number with another content is a new request (a peer numbers from 1 again after a restart).
        let other = WireMessage.register(req: 1, name: "carol", password: "other", endpoint: "inproc://carol", key: [])
        #expect(replies(r.handleChecked(from: "carol", other)) == ["the name 'carol' is taken"])
    }

    /// The registry keeps a client's requests by its user number once it has one, by its name
    /// before (`RequestMemory`): they stay one client's across its registration. A request under
    /// the number of its REGISTER (a peer numbers from 1 again after a restart) replaces it, as
    /// any new request under an old number does, so the REGISTER repeated now is a new one.
    @Test func aClientsRequestsStayOneClientsWhenItsAccountIsMade() {
        var r = RegistryMachine(durable: RegistryDurableState())
        let register = WireMessage.register(req: 1, name: "carol", password: "pw", endpoint: "inproc://carol", key: [])
        #expect(replies(r.handleChecked(from: "carol", register)) == ["ok"])
        #expect(replies(r.handleChecked(from: "carol", .createGroup(req: 1, group: "team"))) == ["ok"])
        #expect(replies(r.handleChecked(from: "carol", register)) == ["the name 'carol' is taken"])
        #expect(r.durable.groups.count == 1)
    }

    @Test func aRepeatedAcceptRepeatsItsAnswerAndTheFriendAddedBeforeIt() {
        var r = registry()
        #expect(replies(r.handleChecked(from: "alice", .friendRequest(req: 2, to: "bob"))) == ["ok"])
        let accept = WireMessage.friendAnswer(req: 2, to: "alice", accept: true)
        let first = r.handleChecked(from: "bob", accept)
        #expect(sends(first) == ["alice FRIEND-ADDED", "bob FRIEND-ADDED", "bob REPLY"])
        let again = r.handleChecked(from: "bob", accept)
        #expect(sends(again) == ["bob FRIEND-ADDED", "bob REPLY"])
        #expect(replies(again) == ["ok"])
        #expect(!again.contains { if case .persist = $0 { true } else { false } })
    }

    /// News sent again in answer to a repeat is counted as news sent: the peer counts each
    /// copy it gets, so a PONG that counted one fewer would hide the next one lost, and the
    /// peer would never log in again for it (a GROUP-UPDATE lost that way left a member out of
    /// a group for good in `scenarios/network/loss.scenario`, seed 20).
    @Test func newsSentAgainInAnswerToARepeatCountsInThePong() {
        var r = registry()
        let accept = WireMessage.friendAnswer(req: 2, to: "alice", accept: true)
        #expect(replies(r.handleChecked(from: "alice", .friendRequest(req: 2, to: "bob"))) == ["ok"])
        _ = r.handleChecked(from: "bob", accept)
        _ = r.handleChecked(from: "bob", accept)
        let pong = r.handleChecked(from: "bob", .ping).compactMap { if case let .send(_, .pong(_, news)) = $0 { news } else { nil } }
        // The FRIEND-REQUEST-NOTICE, the FRIEND-ADDED, and the FRIEND-ADDED sent again.
        #expect(pong == [3])
    }

    /// Everything the first answer held, to the octet: the address, the friend's endpoint and
    /// key, the error text. A repeat answered with anything else is caught here.
    @Test func aRepeatIsAnsweredWithExactlyWhatTheRequestSentItsClient() {
        var d = RegistryDurableState()
        for (n, k) in [("alice", UInt8(1)), ("bob", 2)] {
            d.apply(.addAccount(name: n, hash: "hash:pw", endpoint: "tcp://10.0.0.\(k):5555", key: Array(repeating: k, count: 32)))
        }
        var r = RegistryMachine(durable: d)
        for n in ["alice", "bob"] {
            _ = r.handleChecked(from: n, .login(req: 1, name: n, password: "pw", endpoint: "ipc:///tmp/\(n)-é.sock", wantBackup: false,
                                               key: d.accounts[n]!.key))
        }
        func toClient(_ client: String, _ effects: [RegistryEffect]) -> [RegistryEffect] {
            effects.filter { if case let .send(to, _) = $0 { to.name == client } else { false } }
        }
        func repeated(_ client: String, _ message: WireMessage) -> [RegistryEffect] {
            [.note("repeated \(message.kind.name) req=\(message.requestNumber!) from \(client): answered again")]
        }
        let request = WireMessage.friendRequest(req: 2, to: "bob")
        let accept = WireMessage.friendAnswer(req: 2, to: "alice", accept: true)
        let refused = WireMessage.friendRequest(req: 3, to: "nobody")
        let group = WireMessage.createGroup(req: 4, group: "team")
        for (client, message) in [("alice", request), ("bob", accept), ("alice", refused), ("alice", group)] {
            let first = r.handleChecked(from: client, message)
            #expect(!toClient(client, first).isEmpty)
            #expect(r.handleChecked(from: client, message) == repeated(client, message) + toClient(client, first))
        }
        // An answer after a password check: a REGISTER refused, then repeated.
        let taken = WireMessage.register(req: 9, name: "alice", password: "pw", endpoint: "inproc://mallory", key: [7])
        let first = r.handleChecked(from: "mallory", taken)
        #expect(replies(first) == ["the name 'alice' is taken"])
        #expect(r.handleChecked(from: "mallory", taken) == repeated("mallory", taken) + first)
    }

    @Test func aLoginRepeatedWhileItsPasswordCheckRunsStartsNoSecondCheck() {
        var r = registry()
        let login = WireMessage.login(req: 7, name: "alice", password: "pw", endpoint: "inproc://alice", wantBackup: false, key: [])
        #expect(r.handle(from: "alice", login).contains { if case .checkPassword = $0 { true } else { false } })
        #expect(!r.handle(from: "alice", login).contains { if case .checkPassword = $0 { true } else { false } })
        #expect(r.checksUnderWay == 1)
    }

    @Test func aRequestHandledInOneBufferAfterAPasswordCheckIsStillRemembered() {
        // The driver hands every input of a batch one buffer: the password check an earlier
        // input asked for is not this request's, so its answer is remembered all the same.
        var r = registry()
        var batch: [RegistryEffect] = []
        let login = WireMessage.login(req: 7, name: "alice", password: "pw", endpoint: "inproc://alice", wantBackup: false, key: [])
        r.handle(from: "alice-client", login, into: &batch)
        r.handle(from: "bob", .friendRequest(req: 2, to: "alice"), into: &batch)
        #expect(batch.filter { if case .checkPassword = $0 { true } else { false } }.count == 1)
        #expect(replies(batch) == ["ok"])
        let again = r.handle(from: "bob", .friendRequest(req: 2, to: "alice"))
        #expect(replies(again) == ["ok"])
        #expect(!again.contains { if case .persist = $0 { true } else { false } })
    }

    @Test func aRepeatAfterTheMemoryRanOutIsANewRequest() {
        var r = RegistryMachine(durable: RegistryDurableState())
        let register = WireMessage.register(req: 1, name: "carol", password: "pw", endpoint: "inproc://carol", key: [])
        _ = r.handleChecked(from: "carol", register)
        let late = SimInstant(milliseconds: RegistryLimits.requestMemoryMs)
        #expect(replies(r.handleChecked(from: "carol", register, now: late)) == ["the name 'carol' is taken"])
    }

    @Test func oneClientsFloodNeverMakesTheRegistryForgetAnothers() {
        var r = registry()
        _ = r.handleChecked(from: "alice", .createGroup(req: 2, group: "team"))
        for req in UInt32(100)..<UInt32(100 + RegistryLimits.rememberedRequestsPerClient * 4) {
            _ = r.handleChecked(from: "bob", .createGroup(req: req, group: "g\(req)"))
        }
        #expect(replies(r.handleChecked(from: "alice", .createGroup(req: 2, group: "team"))) == ["ok"])
        // bob's oldest are forgotten: a repeat of one is carried out again, and refused.
        #expect(replies(r.handleChecked(from: "bob", .createGroup(req: 100, group: "g100"))) == ["the group name 'g100' is taken"])
    }

    // MARK: The peer's side: it retries until answered

    @Test func aRegisterWhoseReplyIsLostIsRetriedAndSucceedsOnce() {
        let h = MachineHarness()
        h.addPeers("alice")
        h.toLose = [{ $0.to == "alice" && $0.message.kind == .reply }]
        #expect(h.run("alice", .register(password: "pw")) == .done)
        #expect(h.sent.filter { $0.message.kind == .register }.count == 2)
        #expect(h.registryDisk.accounts.count == 1)
    }

    @Test func aLostFriendRequestIsRetriedAndRecordedOnce() {
        let h = MachineHarness()
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.toLose = [{ $0.message.kind == .friendRequest }]
        #expect(h.run("alice", .addFriend("bob")) == .done)
        #expect(h.registryDisk.requests == ["bob": ["alice"]])
        #expect(h.events("bob") == [.friendRequest(from: "alice")])
    }

    @Test func aRequestNeverAnsweredFailsAfterItsTimeoutHavingBeenRetried() {
        let h = MachineHarness()
        h.addPeers("alice")
        h.toLose = Array(repeating: { $0.message.kind == .register }, count: 100)
        #expect(h.run("alice", .register(password: "pw")) == .refused("the registry did not answer within 2000ms"))
        // Sent every 100 ms: nothing has said the registry is behind (5.1, `RegistryPace`).
        let tries = h.sent.filter { $0.message.kind == .register }.count
        #expect(tries == 20)
    }
}
