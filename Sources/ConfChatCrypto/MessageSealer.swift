import CSodium
import ConfChatCore

/// Seals message bodies so the registry stores only what it cannot read.
///
/// `seal` produces exactly libsodium's sealed-box format (`crypto_box_seal`): an ephemeral
/// public key, then the box, with the nonce derived from both public keys. The ephemeral key
/// comes from the seeded generator instead of the system's randomness, which keeps simulated
/// runs reproducible. Backups use a key derived from the user's password (Argon2id), so only
/// the user can read them, on any machine.
public final class MessageSealer {
    private var rng: SplitMix64
    private let cost: Argon2Hasher.Cost

    public init(seed: UInt64, cost: Argon2Hasher.Cost) {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
        rng = SplitMix64(seed: seed)
        self.cost = cost
    }

    public static let sealOverhead = Int(crypto_box_sealbytes())

    public func seal(_ body: [UInt8], to recipient: [UInt8]) -> [UInt8] {
        let eph = NodeKeys.derive(from: &rng)
        var nonce = [UInt8](repeating: 0, count: Int(crypto_box_NONCEBYTES))
        _ = crypto_generichash(&nonce, nonce.count, eph.publicKey + recipient, UInt64(64), nil, 0)
        var box = [UInt8](repeating: 0, count: body.count + Int(crypto_box_MACBYTES))
        _ = crypto_box_easy(&box, body, UInt64(body.count), nonce, recipient, eph.secretKey)
        return eph.publicKey + box
    }

    public func open(_ sealed: [UInt8], with keys: NodeKeys) -> [UInt8]? {
        guard sealed.count >= Self.sealOverhead else { return nil }
        var out = [UInt8](repeating: 0, count: sealed.count - Self.sealOverhead)
        let rc = crypto_box_seal_open(&out, sealed, UInt64(sealed.count), keys.publicKey, keys.secretKey)
        return rc == 0 ? out : nil
    }

    /// The last key derived, as (user, password, key): a login derives it twice, once for the
    /// backup (`PeerCryptoLayer`) and once for proofs (the machine), at Argon2id's cost each.
    private var lastKey: (String, String, [UInt8])?
    /// How many backup keys this sealer derived (Argon2id), not counting those `lastKey`
    /// answered: what the bench's tests read to see that a set-up derives once a peer.
    package private(set) var derivations = 0

    /// The backup key of a user: Argon2id of the password, salted with the user's name.
    public func backupKey(user: String, password: String) -> [UInt8] {
        if let (u, p, key) = lastKey, u == user, p == password { return key }
        derivations += 1
        let key = Self.derive(user: user, password: password, ops: cost.ops, memBytes: cost.memBytes)
        lastKey = (user, password, key)
        return key
    }

    /// Argon2id v1.3 of the password, 32 octets, salted with BLAKE2b-128 of
    /// "conf-chat backup " + user, at the given cost (protocol.md 5.7).
    private static func derive(user: String, password: String, ops: UInt64, memBytes: Int) -> [UInt8] {
        var salt = [UInt8](repeating: 0, count: Int(crypto_pwhash_SALTBYTES))
        let label = Array("conf-chat backup \(user)".utf8)
        _ = crypto_generichash(&salt, salt.count, label, UInt64(label.count), nil, 0)
        var key = [UInt8](repeating: 0, count: Int(crypto_secretbox_KEYBYTES))
        let length = UInt64(password.utf8.count)
        let rc = password.withCString { pw in
            crypto_pwhash(&key, UInt64(key.count), pw, length, salt, ops, memBytes, crypto_pwhash_ALG_ARGON2ID13)
        }
        precondition(rc == 0, "crypto_pwhash ran out of memory")
        return key
    }

    /// nonce || secretbox(body), written into one array: every backup entry goes through
    /// here, and a nonce, a box and their concatenation were three allocations and a copy.
    public func encrypt(_ body: [UInt8], key: [UInt8]) -> [UInt8] {
        let n = Int(crypto_secretbox_NONCEBYTES)
        let size = n + Int(crypto_secretbox_MACBYTES) + body.count
        return Self.octets(size) { base in
            // The nonce's 24 octets from three draws of the generator, 8 octets a draw: a draw an
            // octet cost about 300 instructions an entry.
            for k in stride(from: 0, to: n, by: 8) {
                UnsafeMutableRawPointer(base).storeBytes(of: rng.next().littleEndian, toByteOffset: k, as: UInt64.self)
            }
            _ = crypto_secretbox_easy(base + n, body, UInt64(body.count), base, key)
        }
    }

    /// `count` octets as `fill` writes them, made in a scratch buffer and copied into their
    /// array: an array made of a buffer is allocated by code specialized for octets, where
    /// `Array(unsafeUninitializedCapacity:)` and `Array(repeating:count:)` call the standard
    /// library's generic allocator, about 200 instructions more an array (two a message's
    /// backup entries, one its proof; docs/performance.md). The copy is one `memcpy`; the
    /// scratch buffer is on the stack unless it is large.
    static func octets(_ count: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { scratch in
            fill(scratch.baseAddress!)
            return Array(UnsafeBufferPointer(scratch))
        }
    }

    public func decrypt(_ data: [UInt8], key: [UInt8]) -> [UInt8]? {
        let n = Int(crypto_secretbox_NONCEBYTES), mac = Int(crypto_secretbox_MACBYTES)
        guard data.count >= n + mac else { return nil }
        var out = [UInt8](repeating: 0, count: data.count - n - mac)
        let rc = crypto_secretbox_open_easy(&out, Array(data[n...]), UInt64(data.count - n), Array(data[..<n]), key)
        return rc == 0 ? out : nil
    }
}

/// Proofs of a user's own messages (`MessageProver`), with libsodium's keyed BLAKE2b
/// (`crypto_generichash`): the proof key is BLAKE2b-256 of "conf-chat proof" keyed with the
/// backup key, and a proof is BLAKE2b-128 of the message keyed with the proof key.
extension MessageSealer: MessageProver {
    public static let proofSize = 16

    public func proofKey(user: String, password: String) -> [UInt8] {
        Self.blake2b(Array("conf-chat proof".utf8), key: backupKey(user: user, password: password), size: 32)
    }

    public func tag(_ message: [UInt8], key: [UInt8]) -> [UInt8] { Self.blake2b(message, key: key, size: Self.proofSize) }

    /// Each proof's input (a message's, and a HISTORY item's checked) is written in scratch
    /// memory, on the stack unless the body is large, and hashed from there: no array is made
    /// for it, nor kept between proofs.
    public func tag(key: [UInt8], size: Int, of write: (UnsafeMutableRawBufferPointer) -> Void) -> [UInt8] {
        withUnsafeTemporaryAllocation(byteCount: size, alignment: 1) { input in
            write(input)
            return Self.octets(Self.proofSize) { out in
                _ = crypto_generichash(out, Self.proofSize, input.baseAddress, UInt64(size), key, key.count)
            }
        }
    }

    /// How local credentials begin: `$conf-chat-key$m=KIB,t=OPS$` then the verifier in base64
    /// (no padding). A password hash of older versions begins `$argon2id$`.
    static let credentialsPrefix = "$conf-chat-key$"

    /// Local credentials: BLAKE2b-256 of "conf-chat credentials" keyed with the backup key,
    /// with the cost it was derived at. The backup key, the proof key and these come from one
    /// Argon2id derivation, so a login that checks them and then makes its proof key (or
    /// decrypts its backup) derives once; none of the three gives another (keyed BLAKE2b is
    /// one-way), and guessing the password from them costs what the backup costs (one Argon2id
    /// a guess, salted with the user's name: docs/security.md).
    public func credentials(user: String, password: String) -> String {
        let verifier = Self.verifier(key: backupKey(user: user, password: password))
        return "\(Self.credentialsPrefix)m=\(cost.memBytes / 1024),t=\(cost.ops)$\(SodiumBase64.encode(verifier))"
    }

    /// Checks `password` against credentials `credentials` made: at this sealer's cost through
    /// its backup key (the derivation the login goes on to use), at another cost (a data
    /// directory made with `--fast-hash`, say) by a derivation of its own. False for
    /// credentials of this form whose cost is out of libsodium's bounds; nil for any other form.
    public func checkCredentials(user: String, password: String, against stored: String) -> Bool? {
        guard stored.hasPrefix(Self.credentialsPrefix) else { return nil }
        // Split by octet, not by character: the fields are ASCII, and splitting a String by
        // characters (grapheme breaking) cost 12 k instructions a split, a third of a login
        // from local credentials once its Argon2id is the registration's (docs/performance.md).
        let fields = stored.utf8.dropFirst(Self.credentialsPrefix.utf8.count)
            .split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
        guard fields.count == 2 else { return false }
        let params = fields[0].split(separator: UInt8(ascii: ","))
        guard params.count == 2, params[0].starts(with: "m=".utf8), params[1].starts(with: "t=".utf8),
              let kib = Int(Substring(params[0].dropFirst(2))), let ops = UInt64(Substring(params[1].dropFirst(2))),
              ops >= UInt64(crypto_pwhash_opslimit_min()), ops <= UInt64(crypto_pwhash_opslimit_max()),
              kib >= 0, kib <= crypto_pwhash_memlimit_max() / 1024, kib * 1024 >= crypto_pwhash_memlimit_min()
        else { return false }
        let key = ops == cost.ops && kib * 1024 == cost.memBytes
            ? backupKey(user: user, password: password)
            : Self.derive(user: user, password: password, ops: ops, memBytes: kib * 1024)
        let expected = Array(SodiumBase64.encode(Self.verifier(key: key)).utf8)
        let given = Array(fields[1])
        return given.count == expected.count && sodium_memcmp(given, expected, given.count) == 0
    }

    private static func verifier(key: [UInt8]) -> [UInt8] { blake2b(Array("conf-chat credentials".utf8), key: key, size: 32) }

    private static func blake2b(_ message: [UInt8], key: [UInt8], size: Int) -> [UInt8] {
        octets(size) { out in _ = crypto_generichash(out, size, message, UInt64(message.count), key, key.count) }
    }
}
