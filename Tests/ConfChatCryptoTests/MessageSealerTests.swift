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
}
