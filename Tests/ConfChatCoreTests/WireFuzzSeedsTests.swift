import ConfChatCore
import Foundation
import Testing

/// The wire fuzzer's seed corpus (`Fuzz/seeds-wire`) and dictionary (`Fuzz/wire.dict`) are
/// the codec's own output: one file per `WireSamples` frame, one dictionary entry per kind's
/// header.
///
/// Random bytes almost never start with the two-octet signature, the version and a known
/// kind, so a fuzzer that starts from nothing spends its time on the first four octets (a
/// 20 s run reached libFuzzer's `cov: 25`, the decoder's first checks). Started from a valid
/// frame of every kind and told every kind's header, it mutates fields instead (`cov: 847`
/// in the same 20 s; docs/security.md). These tests keep the corpus in step with the codec: a new kind, or
/// a changed encoding, fails here until the files are written again with
/// `CONFCHAT_RECORD_FUZZ_SEEDS=1 swift test --filter WireFuzzSeeds`.
@Suite("Wire fuzzer: seed corpus and dictionary")
struct WireFuzzSeedsTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")
    static let seedsFolder = fuzzFolder.appendingPathComponent("seeds-wire")
    static let dictionaryFile = fuzzFolder.appendingPathComponent("wire.dict")
    /// `scripts/fuzz.sh`'s `-max_len`: a longer seed would only be cut.
    static let maxLength = 4096
    static let recording = ProcessInfo.processInfo.environment["CONFCHAT_RECORD_FUZZ_SEEDS"] == "1"

    /// The seeds by file name: `CHAT-2` is the second CHAT sample.
    static func seeds() throws -> [String: [UInt8]] {
        var seeds: [String: [UInt8]] = [:]
        var counts: [MessageKind: Int] = [:]
        for message in WireSamples.all {
            let frame = try WireCodec.encode(message)
            guard frame.count <= maxLength else { continue }
            counts[message.kind, default: 0] += 1
            seeds["\(message.kind.name)-\(counts[message.kind]!)"] = frame
        }
        return seeds
    }

    /// libFuzzer's dictionary format: one quoted token a line, `\xNN` for any octet.
    static var dictionary: String {
        let header = WireCodec.signature + [WireCodec.version]
        let token = { (bytes: [UInt8]) in "\"" + bytes.map { String(format: "\\x%02X", $0) }.joined() + "\"" }
        let lines = ["# The wire codec's frame headers (signature, version, kind), written by WireFuzzSeedsTests.",
                     "header=\(token(header))"]
            + MessageKind.allCases.map { "\($0.name.lowercased().replacingOccurrences(of: "-", with: "_"))=\(token(header + [$0.rawValue]))" }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func everyKindHasASeed() throws {
        let covered = Set(try Self.seeds().keys.map { $0.split(separator: "-").dropLast().joined(separator: "-") })
        let missing = MessageKind.allCases.map(\.name).filter { !covered.contains($0) }
        #expect(missing.isEmpty, "no sample of at most \(Self.maxLength) octets in WireSamples.all for \(missing)")
    }

    @Test func theSeedsAreTheCodecsOwnFrames() throws {
        let expected = try Self.seeds()
        let fm = FileManager.default
        if Self.recording {
            try? fm.removeItem(at: Self.seedsFolder)
            try fm.createDirectory(at: Self.seedsFolder, withIntermediateDirectories: true)
            for (name, frame) in expected { try Data(frame).write(to: Self.seedsFolder.appendingPathComponent(name)) }
        }
        let names = Set((try? fm.contentsOfDirectory(atPath: Self.seedsFolder.path)) ?? [])
        #expect(names == Set(expected.keys), "Fuzz/seeds-wire is stale: CONFCHAT_RECORD_FUZZ_SEEDS=1 swift test --filter WireFuzzSeeds")
        for (name, frame) in expected where names.contains(name) {
            let stored = try [UInt8](Data(contentsOf: Self.seedsFolder.appendingPathComponent(name)))
            #expect(stored == frame, "Fuzz/seeds-wire/\(name) is not the codec's frame: CONFCHAT_RECORD_FUZZ_SEEDS=1 swift test --filter WireFuzzSeeds")
        }
    }

    @Test func theDictionaryHasEveryKindsHeader() throws {
        if Self.recording { try Self.dictionary.write(to: Self.dictionaryFile, atomically: true, encoding: .utf8) }
        let stored = try String(contentsOf: Self.dictionaryFile, encoding: .utf8)
        #expect(stored == Self.dictionary, "Fuzz/wire.dict is stale: CONFCHAT_RECORD_FUZZ_SEEDS=1 swift test --filter WireFuzzSeeds")
    }
}
