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
    /// A MAC under `key` of the octets `write` leaves in the (emptied) buffer it is given;
    /// nil, and no MAC, when `write` returns false. A prover that keeps one buffer for every
    /// proof (`MessageSealer`) spares a message its proof's input array: built fresh, it
    /// cost about 1.1 k instructions a message (docs/performance.md). By default, a fresh
    /// buffer and `tag(_:key:)`.
    func tag(key: [UInt8], of write: (inout [UInt8]) -> Bool) -> [UInt8]?
    /// The user's local credentials (what a peer logs in against with the registry down),
    /// from the same derivation of the password as the proof key: a login that checks them
    /// and then makes its proof key derives once (protocol.md 5.2).
    func credentials(user: String, password: String) -> String
    /// Whether `password` is the user's by credentials `credentials` made; nil if `stored` is
    /// not of that form (an older data directory's password hash, which the peer's
    /// `PasswordHasher` checks).
    func checkCredentials(user: String, password: String, against stored: String) -> Bool?
}

extension MessageProver {
    public func tag(key: [UInt8], of write: (inout [UInt8]) -> Bool) -> [UInt8]? {
        var message: [UInt8] = []
        return write(&message) ? tag(message, key: key) : nil
    }

    /// The proof of the sender's message `seq` to `recipient`: `tag` of
    /// `short-string(recipient) u64(seq) short-string(group or "") long-bytes(body)`.
    /// Nil if the fields do not fit their length prefixes (a name over 255 octets): such a
    /// message has no proof, rather than the proof of a cut one.
    func proof(key: [UInt8], to recipient: String, seq: UInt64, group: String?, body: [UInt8]) -> [UInt8]? {
        tag(key: key) { buffer in
            var w = ByteWriter(kind: "proof", reusing: &buffer)
            defer { swap(&w.bytes, &buffer) }
            do {
                try w.shortString(recipient)
                w.u64(seq)
                try w.shortString(group ?? "")
                try w.longBytes(body)
            } catch {
                return false
            }
            return true
        }
    }
}
