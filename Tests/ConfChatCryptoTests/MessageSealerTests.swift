import ConfChatCrypto
import Testing

/// Backup entries are encrypted with a key only the user's password gives: what goes in
/// must come out, and nothing else must open.
@Suite struct MessageSealerTests {
    @Test("an encrypted body decrypts to itself with its key, and not with another")
    func encryptRoundTrip() {
        let sealer = MessageSealer(seed: 7, cost: .fast)
        let key = sealer.backupKey(user: "alice", password: "pw")
        for body in [[], Array("hi".utf8), [UInt8](repeating: 0xAB, count: 70_000)] as [[UInt8]] {
            let box = sealer.encrypt(body, key: key)
            #expect(box.count == body.count + 40, "a 24-byte nonce and a 16-byte tag")
            #expect(sealer.decrypt(box, key: key) == body)
            #expect(sealer.decrypt(box, key: sealer.backupKey(user: "alice", password: "other")) == nil)
        }
        #expect(sealer.encrypt([1, 2, 3], key: key) != sealer.encrypt([1, 2, 3], key: key), "a fresh nonce each time")
    }

    @Test("local credentials take the right password only, at their own cost")
    func credentials() throws {
        let fast = MessageSealer(seed: 7, cost: .fast)
        let stored = fast.credentials(user: "alice", password: "pw")
        #expect(stored.hasPrefix("$conf-chat-key$m=8,t=1$"))
        #expect(fast.checkCredentials(user: "alice", password: "pw", against: stored) == true)
        #expect(fast.checkCredentials(user: "alice", password: "pW", against: stored) == false)
        #expect(fast.checkCredentials(user: "bob", password: "pw", against: stored) == false, "salted with the name")
        #expect(MessageSealer(seed: 8, cost: .fast).credentials(user: "alice", password: "pw") == stored, "no random salt: a wiped peer makes them again")
        // Credentials made at another cost are checked at theirs.
        let interactive = MessageSealer(seed: 7, cost: .interactive)
        #expect(interactive.checkCredentials(user: "alice", password: "pw", against: stored) == true)
        #expect(interactive.checkCredentials(user: "alice", password: "no", against: stored) == false)
        let verifier = try #require(stored.split(separator: "$").last).description
        // An older version's password hash is not of this form: the hasher checks it.
        var hasher = Argon2Hasher(cost: .fast, seed: 1)
        let older = hasher.hash("pw")
        #expect(fast.checkCredentials(user: "alice", password: "pw", against: older) == nil)
        // Malformed or out-of-bounds ones never match.
        for bad in ["$conf-chat-key$", "$conf-chat-key$m=8,t=1", "$conf-chat-key$m=8$x", "$conf-chat-key$m=x,t=1$" + verifier,
                    "$conf-chat-key$m=8,t=0$" + verifier, "$conf-chat-key$m=1,t=1$" + verifier,
                    "$conf-chat-key$m=99999999999999999,t=1$" + verifier, "$conf-chat-key$m=8,t=1$" + verifier + "$",
                    "$conf-chat-key$m=8,t=1,t=1$" + verifier, "$conf-chat-key$m=8,t=1$" + verifier + "\u{301}",
                    "$conf-chat-key$m=８,t=1$" + verifier, "$conf-chat-key$m=+8,t=1$" + verifier + "x"] {
            #expect(fast.checkCredentials(user: "alice", password: "pw", against: bad) == false, "\(bad)")
        }
    }
}
