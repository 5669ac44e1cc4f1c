import ConfChatCore
import ConfChatCrypto
import Foundation
import Testing

/// A node's key file (`curve.key` in its data directory): its identity across restarts.
@Suite struct NodeKeysTests {
    @Test("the key pair made at the first start is the one loaded at the next, in a file only its owner reads")
    func keptAcrossStarts() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try NodeKeys.loadOrCreate(in: dir)
        let second = try NodeKeys.loadOrCreate(in: dir)
        #expect(first == second)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/curve.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("key pairs made as a batch on every core are those made one at a time, and the seed stream goes on alike")
    func batchIsOneAtATime() {
        var one = SplitMix64(seed: 77), batch = SplitMix64(seed: 77)
        let alone = (0..<40).map { _ in NodeKeys.derive(from: &one) }
        #expect(NodeKeys.derive(40, from: &batch) == alone)
        #expect(Set(alone.map(\.publicKey)).count == 40)
        #expect(NodeKeys.derive(from: &batch) == NodeKeys.derive(from: &one))
        #expect(NodeKeys.derive(0, from: &batch).isEmpty)
        #expect(NodeKeys.derive(1, from: &batch) == [NodeKeys.derive(from: &one)])
    }

    @Test("a key's hex name is two lower-case digits a byte, and reads back as the key")
    func hexNames() throws {
        #expect(NodeKeys.hex([0x00, 0x0F, 0xA5, 0xFF, 0x10]) == "000fa5ff10")
        let key = (0..<32).map { UInt8($0 * 8 + 7) }
        #expect(NodeKeys.hex(key).count == 64)
        #expect(NodeKeys.fromHex(NodeKeys.hex(key)) == key)
    }

    @Test("a curve.key that holds no key pair is refused, naming the file")
    func notAKeyFile() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/curve.key"
        try "not a key\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try NodeKeys.loadOrCreate(in: dir)
            Issue.record("a file of garbage was taken for a key pair")
        } catch let error as CryptoError {
            #expect(error.description == "\(path) is not a conf-chat key file")
        }
    }

    private func temporaryFolder() throws -> String {
        let dir = NSTemporaryDirectory() + "confchat-keys-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
