import ConfChatCore
import CSodium
import CZMQ
import Foundation

/// A node's Curve25519 key pair: its CURVE identity on the wire and what mail to it is sealed to.
public struct NodeKeys: Sendable, Hashable {
    public let publicKey: [UInt8]
    public let secretKey: [UInt8]

    public init(publicKey: [UInt8], secretKey: [UInt8]) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A key pair derived from 32 bytes of seed. The simulator derives every node's keys
    /// from the run's seed, so runs are reproducible; standalone nodes use fresh randomness.
    public static func derive(from rng: inout SplitMix64) -> NodeKeys {
        fromSeed(seed(from: &rng))
    }

    /// `count` key pairs, the same as `count` calls of `derive(from:)` in a row: the seeds are
    /// drawn from `rng` in order, then the pairs (a Curve25519 scalar multiplication each,
    /// about 43 us) computed on every core. The simulator declares peers by the hundred.
    public static func derive(_ count: Int, from rng: inout SplitMix64) -> [NodeKeys] {
        let seeds = (0..<count).map { _ in seed(from: &rng) }
        guard count > 1 else { return seeds.map(fromSeed) }
        return [NodeKeys](unsafeUninitializedCapacity: count) { out, made in
            // Each iteration initializes its own slot and nothing else: no two threads share one.
            nonisolated(unsafe) let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: count) { i in (base + i).initialize(to: fromSeed(seeds[i])) }
            made = count
        }
    }

    private static func seed(from rng: inout SplitMix64) -> [UInt8] {
        var seed = [UInt8](repeating: 0, count: Int(crypto_box_SEEDBYTES))
        for i in seed.indices { seed[i] = UInt8(truncatingIfNeeded: rng.next()) }
        return seed
    }

    private static func fromSeed(_ seed: [UInt8]) -> NodeKeys {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
        var pk = [UInt8](repeating: 0, count: Int(crypto_box_PUBLICKEYBYTES))
        var sk = [UInt8](repeating: 0, count: Int(crypto_box_SECRETKEYBYTES))
        crypto_box_seed_keypair(&pk, &sk, seed)
        return NodeKeys(publicKey: pk, secretKey: sk)
    }

    /// Fresh keys from the operating system's randomness (command-line layer only).
    public static func random() -> NodeKeys {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
        var pk = [UInt8](repeating: 0, count: Int(crypto_box_PUBLICKEYBYTES))
        var sk = [UInt8](repeating: 0, count: Int(crypto_box_SECRETKEYBYTES))
        crypto_box_keypair(&pk, &sk)
        return NodeKeys(publicKey: pk, secretKey: sk)
    }

    /// Lower-case hex: how `ZAPHandler` names an authenticated key. By table, not
    /// `String(format:)`, which cost about 10 k instructions a byte (the simulator names
    /// every node's key when it binds its sockets, the registry every request's key).
    public static func hex(_ key: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(key.count * 2)
        for byte in key {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A 32-byte key from its 64-character lower-case hex form (what the ZAP handler names
    /// connections by), or nil for anything else, a user name included.
    public static func fromHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var key: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let hi = value(digits[i]), let lo = value(digits[i + 1]) else { return nil }
            key.append(hi << 4 | lo)
        }
        return key
    }

    /// Z85, the text form ZeroMQ uses for CURVE keys (40 characters).
    public static func z85(_ key: [UInt8]) -> String {
        var out = [CChar](repeating: 0, count: 41)
        _ = zmq_z85_encode(&out, key, key.count)
        return String(decoding: out.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func fromZ85(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count == 40 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&out, trimmed) != nil else { return nil }
        return out
    }

    /// Loads the key pair kept in `directory/curve.key`, or makes one and writes it there
    /// (mode 0600: the secret key never leaves the data directory).
    public static func loadOrCreate(in directory: String) throws -> NodeKeys {
        let path = (directory as NSString).appendingPathComponent("curve.key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let lines = text.split(separator: "\n").map(String.init)
            guard lines.count >= 2, let pk = fromZ85(lines[0]), let sk = fromZ85(lines[1]) else {
                throw CryptoError.notAKeyFile(path: path)
            }
            return NodeKeys(publicKey: pk, secretKey: sk)
        }
        let keys = random()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A key that is not on disk would be a new identity at every start: refuse to go on.
        guard FileManager.default.createFile(atPath: path, contents: Data("\(z85(keys.publicKey))\n\(z85(keys.secretKey))\n".utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CryptoError.cannotWriteKeyFile(path: path)
        }
        return keys
    }
}
