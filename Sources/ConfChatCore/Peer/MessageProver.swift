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
    /// A MAC under `key` of the `size` octets `write` fills in the buffer it is lent. A prover
    /// that lends scratch memory (`MessageSealer`: the stack) spares a message its proof's
    /// input array, which is read once by the MAC and thrown away. By default, a fresh array
    /// and `tag(_:key:)`.
    func tag(key: [UInt8], size: Int, of write: (UnsafeMutableRawBufferPointer) -> Void) -> [UInt8]
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
    public func tag(key: [UInt8], size: Int, of write: (UnsafeMutableRawBufferPointer) -> Void) -> [UInt8] {
        var message = [UInt8](repeating: 0, count: size)
        message.withUnsafeMutableBytes(write)
        return tag(message, key: key)
    }

    /// The proof of the sender's message `seq` to `recipient`: `tag` of
    /// `short-string(recipient) u64(seq) short-string(group or "") long-bytes(body)`, the
    /// wire codec's forms (`ByteWriter`). Nil if the fields do not fit their length prefixes
    /// (a name over 255 octets): such a message has no proof, rather than the proof of a cut one.
    ///
    /// The input's size is known before it is written, so it is written field by field where
    /// the prover lends it (`tag(key:size:of:)`): through a `ByteWriter` into an array, each
    /// field's append checked the array's capacity and uniqueness, about 1.0 k instructions a
    /// proof (docs/performance.md).
    func proof(key: [UInt8], to recipient: String, seq: UInt64, group: String?, body: [UInt8]) -> [UInt8]? {
        let (to, group) = (recipient.utf8, (group ?? "").utf8)
        guard to.count <= 255, group.count <= 255, body.count <= Int(UInt32.max) else { return nil }
        return tag(key: key, size: 1 + to.count + 8 + 1 + group.count + 4 + body.count) { input in
            var at = input.baseAddress!
            // Each field's octets copied where they lie (every native string has its storage, a
            // small one's octets in the value itself); by concrete type, not through a generic
            // collection, whose every call goes through its witness table.
            func put(_ octets: UnsafeBufferPointer<UInt8>) {
                guard let from = octets.baseAddress else { return }
                at.copyMemory(from: from, byteCount: octets.count)
                at += octets.count
            }
            func put(_ text: String.UTF8View) {
                if text.withContiguousStorageIfAvailable(put) == nil { put(Array(text)) }
            }
            func put(_ octets: [UInt8]) { octets.withUnsafeBufferPointer(put) }
            at.storeBytes(of: UInt8(to.count), as: UInt8.self)
            at += 1
            put(to)
            at.storeBytes(of: seq.bigEndian, as: UInt64.self)
            at += 8
            at.storeBytes(of: UInt8(group.count), as: UInt8.self)
            at += 1
            put(group)
            at.storeBytes(of: UInt32(body.count).bigEndian, as: UInt32.self)
            at += 4
            put(body)
        }
    }
}
