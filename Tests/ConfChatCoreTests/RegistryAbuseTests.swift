import ConfChatCore
import Testing

/// What a hostile or broken client can do to the registry: wrong names, routing tricks,
/// password floods. The registry answers the client that asked, never blocks on a hash, and
/// slows down guessing without locking the real user out.
@Suite("Machines: registry under abuse")
struct RegistryAbuseTests {
    static let aliceKey: [UInt8] = [0xA1, 0x1C, 0xE0]

    /// alice (key `aliceKey`, password "pw") and bob, nobody online.
    func registry() -> RegistryMachine {
        var d = RegistryDurableState()
        d.apply(.addAccount(name: "alice", hash: "hash:pw", endpoint: "tcp://alice:1", key: Self.aliceKey))
        d.apply(.addAccount(name: "bob", hash: "hash:pw", endpoint: "tcp://bob:1", key: [0xB0]))
        return RegistryMachine(durable: d)
    }

    func login(_ password: String, key: [UInt8], req: UInt32 = 1) -> WireMessage {
        .login(req: req, name: "alice", password: password, endpoint: "tcp://client:9", wantBackup: false, key: key)
    }

    func replies(_ effects: [RegistryEffect]) -> [String?] {
        effects.compactMap { if case let .send(_, .reply(_, error)) = $0 { error } else { nil } }
    }

    func checks(_ effects: [RegistryEffect]) -> [PasswordCheck] {
        effects.compactMap { if case let .checkPassword(c) = $0 { c } else { nil } }
    }

    /// protocol.md promised a REPLY; the registry sent it to the invalid name's (absent)
    /// account, so nothing went out at all.
    @Test func anInvalidNameInRegisterIsAnsweredToTheClientThatAsked() {
        var r = registry()
        let effects = r.handleChecked(from: "client-7", .register(req: 3, name: "Bad Name", password: "pw", endpoint: "tcp://x:1", key: []))
        #expect(effects == [.send(.peer(name: "client-7", endpoint: "tcp://x:1"), .reply(req: 3, error: "'Bad Name' is not a valid user name"))])
        #expect(r.durable.accounts["Bad Name"] == nil)
    }

    /// A user logs in from a new machine (a new key) while the old session is still open: the
    /// answer goes to the new client, which becomes the account's key.
    @Test func aLoginFromANewKeyWhileOnlineIsAnsweredToTheNewClient() {
        var r = registry()
        _ = r.handleChecked(from: "old-client", login("pw", key: Self.aliceKey))
        let effects = r.handleChecked(from: "new-client", .login(req: 2, name: "alice", password: "pw", endpoint: "tcp://new:2", wantBackup: true, key: [0xEE]))
        #expect(effects.contains { if case .send(.peer("new-client", "tcp://new:2"), .loginReply(2, _)) = $0 { true } else { false } })
        #expect(r.durable.accounts["alice"]?.key == [0xEE])
        #expect(r.online["alice"] == "tcp://new:2")
    }

    /// Argon2id used to run inside `handle`: 400 wrong passwords kept every PING waiting.
    @Test func passwordsAreCheckedOffTheLoopAndAPingIsAnsweredMeanwhile() {
        var r = registry()
        let asked = r.handle(from: "alice-client", login("pw", key: Self.aliceKey))
        #expect(asked == [.checkPassword(PasswordCheck(id: 1, task: .verify(password: "pw", hash: "hash:pw")))])
        #expect(r.handle(from: "bob", .ping) == [.send(.peer(name: "bob", endpoint: "tcp://bob:1"), .pong(known: false, news: 0))])
        let done = r.passwordChecked(1, .verified(true))
        #expect(done.contains { if case .send(.peer("alice-client", _), .loginReply(1, _)) = $0 { true } else { false } })
        #expect(r.checksUnderWay == 0)
    }

    @Test func oneCheckPerClientAndABoundedQueue() {
        var r = registry()
        #expect(checks(r.handle(from: "m", login("x", key: [1]))).count == 1)
        #expect(replies(r.handle(from: "m", login("y", key: [1]))) == ["a password check for this client is already under way"])
        for i in 2...RegistryLimits.passwordChecks { #expect(checks(r.handle(from: "m\(i)", login("x", key: [UInt8(i)]))).count == 1) }
        #expect(r.checksUnderWay == RegistryLimits.passwordChecks)
        #expect(replies(r.handle(from: "one-more", login("x", key: [0xFF]))) == ["the registry is busy checking passwords: try again shortly"])
    }

    /// Wrong passwords in a row make that client wait, doubling each time; others are not slowed.
    @Test func wrongPasswordsFromOneKeySlowThatKeyDown() {
        var r = registry()
        var t = SimInstant.zero
        // Each guess a request of its own (a new req): a repeat would only be answered again.
        var req: UInt32 = 0
        func guess() -> WireMessage { req += 1; return login("guess", key: [0x66], req: req) }
        for _ in 1...RegistryLimits.freeFailuresPerClient {
            #expect(replies(r.handleChecked(from: "mallory", guess(), now: t)) == ["wrong password"])
        }
        #expect(replies(r.handle(from: "mallory", guess(), now: t)) == ["too many wrong passwords: try again in 1 s"])
        t = t + 1_000
        #expect(replies(r.handleChecked(from: "mallory", guess(), now: t)) == ["wrong password"])
        #expect(replies(r.handle(from: "mallory", guess(), now: t + 1_000)) == ["too many wrong passwords: try again in 1 s"])
        // The real user is not slowed by mallory's failures.
        let effects = r.handleChecked(from: "alice-client", login("pw", key: Self.aliceKey), now: t)
        #expect(effects.contains { if case .send(_, .loginReply) = $0 { true } else { false } })
    }

    /// Many keys guessing one account slow down every key but the account's own: the attacker
    /// cannot lock the real user out.
    @Test func guessingFromManyKeysNeverLocksOutTheAccountsOwnKey() {
        var r = registry()
        for i in 1...RegistryLimits.freeFailuresPerAccount {
            #expect(replies(r.handleChecked(from: "bot\(i)", login("guess", key: [UInt8(i)]))) == ["wrong password"])
        }
        #expect(replies(r.handle(from: "bot-new", login("guess", key: [0x99]))) == ["too many wrong passwords: try again in 1 s"])
        let effects = r.handleChecked(from: "alice-client", login("pw", key: Self.aliceKey))
        #expect(effects.contains { if case .send(_, .loginReply) = $0 { true } else { false } })
    }

    /// A name registered while another REGISTER of it was being hashed: the second hears "taken".
    @Test func aNameTakenWhileHashingIsRefusedWhenTheHashIsDone() {
        var r = registry()
        let first = checks(r.handle(from: "c1", .register(req: 1, name: "carol", password: "a", endpoint: "tcp://c1:1", key: [1])))
        let second = checks(r.handle(from: "c2", .register(req: 1, name: "carol", password: "b", endpoint: "tcp://c2:1", key: [2])))
        #expect(replies(r.passwordChecked(first[0].id, .hashed("hash:a"))) == [nil])
        #expect(r.passwordChecked(second[0].id, .hashed("hash:b")) == [
            .send(.peer(name: "c2", endpoint: "tcp://c2:1"), .reply(req: 1, error: "the name 'carol' is taken"))])
        #expect(r.durable.accounts["carol"]?.key == [1])
    }

    /// The registry binds a name to a key: a key already bound to one account cannot register
    /// or log in to another, so the sender of a message is never ambiguous.
    @Test func aKeyBelongsToOneAccount() {
        var r = registry()
        let again = r.handleChecked(from: "c", .register(req: 1, name: "mallory", password: "m", endpoint: "tcp://m:1", key: Self.aliceKey))
        #expect(replies(again) == ["this key is the key of another account"])
        #expect(r.durable.accounts["mallory"] == nil)
        let borrowed = r.handleChecked(from: "c", .login(req: 2, name: "bob", password: "pw", endpoint: "tcp://m:1", wantBackup: false, key: Self.aliceKey))
        #expect(replies(borrowed) == ["this key is the key of another account"])
        #expect(r.durable.accountByKey[Self.aliceKey] == "alice")
        // A key change frees the old key.
        _ = r.handleChecked(from: "c2", .login(req: 3, name: "alice", password: "pw", endpoint: "tcp://a:2", wantBackup: false, key: [0x42]))
        #expect(r.durable.accountByKey[Self.aliceKey] == nil)
        #expect(r.durable.accountByKey[[0x42]] == "alice")
    }

    /// Friend requests to one user were kept without bound, and LOGIN-REPLY lists them with a
    /// u16 count: 65,536 accounts asking bob made every LOGIN-REPLY to bob a frame his peer
    /// rejects, so bob could no longer log in with an empty data directory. A user now has
    /// at most `RegistryLimits.pendingRequests` requests waiting; the next asker hears why.
    @Test func pendingFriendRequestsToOneUserAreBounded() {
        var d = RegistryDurableState()
        d.apply(.addAccount(name: "bob", hash: "hash:pw", endpoint: "tcp://bob:1", key: [0xB0]))
        let askers = (0...RegistryLimits.pendingRequests).map { "u\($0)" }
        for (i, u) in askers.enumerated() {
            d.apply(.addAccount(name: u, hash: "hash:pw", endpoint: "tcp://\(u):1", key: [UInt8(i % 256), UInt8(i / 256), 1]))
        }
        var r = RegistryMachine(durable: d)
        for u in askers.dropLast() { #expect(replies(r.handle(from: u, .friendRequest(req: 1, to: "bob"))) == [nil]) }
        #expect(replies(r.handle(from: askers.last!, .friendRequest(req: 2, to: "bob"))) == [
            "bob has too many pending friend requests: try again later"])
        #expect(r.durable.requests["bob"]?.count == RegistryLimits.pendingRequests)
        // Asking again is still answered as before, and bob can still make room.
        #expect(replies(r.handle(from: "u0", .friendRequest(req: 3, to: "bob"))) == [nil])
        #expect(replies(r.handle(from: "bob", .friendAnswer(req: 4, to: "u0", accept: false))) == [nil])
        #expect(replies(r.handle(from: askers.last!, .friendRequest(req: 5, to: "bob"))) == [nil])
    }
}
