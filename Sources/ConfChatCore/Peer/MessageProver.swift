/// Proves to a user that a message is its own, so that no friend can put words in its mouth.
///
/// A wiped peer takes back from a friend (HISTORY) what it sent that its backup lacks. A
/// friend could make such messages up, so every CHAT and GROUP-CHAT carries a proof: a MAC,
/// under a key only the sender's password gives, over (recipient, seq, group, body). The
/// recipient keeps it with the message and returns it in HISTORY; the wiped sender, who
/// still knows its password, takes back only what carries its own proof (protocol.md 5.5).
/// The key comes from the password rather than the node's key pair because the key pair is
/// lost with the data directory, exactly when the proof is needed.
///
/// The core only calls it; the shell implements it with libsodium (`MessageSealer`).
public protocol MessageProver {
    /// The user's proof key, the same on any machine: derived from the password.
    func proofKey(user: String, password: String) -> [UInt8]
    /// A MAC of `message` under `key`.
    func tag(_ message: [UInt8], key: [UInt8]) -> [UInt8]
}

extension MessageProver {
    /// The proof of the sender's message `seq` to `recipient`: `tag` of
    /// `short-string(recipient) u64(seq) short-string(group or "") long-bytes(body)`.
    func proof(key: [UInt8], to recipient: String, seq: UInt64, group: String?, body: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: body.count + 48)
        w.shortString(recipient)
        w.u64(seq)
        w.shortString(group ?? "")
        w.longBytes(body)
        return tag(w.bytes, key: key)
    }
}
