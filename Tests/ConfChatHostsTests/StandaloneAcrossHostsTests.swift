import ConfChatHosts
import Foundation
import Testing

/// The real thing across hosts: `confchat registry` in host 1, `confchat peer`s in hosts 2
/// and 3, over tcp with CURVE, each bound to its host's own address. Needs what the other
/// host tests need and the built `confchat` (`swift build`); skips, saying why, without them.
@Suite("Hosts: a registry and two peers on three hosts exchange a message", .serialized,
       .enabled(if: BuiltConfChat.skipReason == nil, "\(BuiltConfChat.skipReason ?? "")"))
struct StandaloneAcrossHostsTests {
    @Test func aliceOnHost2AndBobOnHost3BecomeFriendsThroughTheRegistryOnHost1AndChat() throws {
        let net = try HostNetwork(hosts: 3)
        defer { net.tearDown() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(net.runID)-data").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let registry = try Node(net, host: 1, dir: dir, ["registry", "--bind", "tcp://\(net.address(ofHost: 1)):5555", "--data", "reg", "--fast-hash"])
        #expect(try registry.expect("registry listening on tcp://\(net.address(ofHost: 1)):5555") != nil)
        try #require(try registry.expect("public key") != nil)
        func peer(_ name: String, host: Int) throws -> Node {
            let p = try Node(net, host: host, dir: dir, [
                "peer", name, "--registry", "tcp://\(net.address(ofHost: 1)):5555", "--registry-key-file", "reg/registry.pub",
                "--bind", "tcp://\(net.address(ofHost: host)):*", "--data", name, "--fast-hash"])
            #expect(try p.expect("listening on tcp://\(net.address(ofHost: host)):") != nil)
            return p
        }
        let alice = try peer("alice", host: 2), bob = try peer("bob", host: 3)
        try #require(try alice.command("register alice-pass-9xq", "registered alice") != nil)
        try #require(try bob.command("register bob-pass-7zk", "registered bob") != nil)
        try #require(try alice.command("login alice-pass-9xq", "logged in as alice") != nil)
        try #require(try bob.command("login bob-pass-7zk", "logged in as bob") != nil)
        try #require(try alice.command("add-friend bob", "friend request sent") != nil)
        try #require(try bob.expect("friend request from alice") != nil)
        try #require(try bob.command("accept alice", "friends") != nil)
        try #require(try alice.expect("bob is online") != nil)
        try alice.send("send bob \"hello from host 2\"")
        #expect(try bob.expect("alice: hello from host 2") != nil)
    }
}

/// A confchat process in a host, driven through its stdin and read line by line from its stdout.
private final class Node: @unchecked Sendable {
    private let process: Process
    private let input = Pipe()
    private let lock = NSCondition()
    private var lines: [String] = []
    private var ended = false

    init(_ net: HostNetwork, host: Int, dir: String, _ arguments: [String]) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        process = net.process(inHost: host, executable: BuiltConfChat.binary, arguments: arguments)
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = reader.availableData
                lock.lock()
                if chunk.isEmpty { ended = true; lock.broadcast(); lock.unlock(); return }
                pending += chunk
                while let nl = pending.firstIndex(of: 10) {
                    lines.append(String(decoding: pending[..<nl], as: UTF8.self))
                    pending = pending[(nl + 1)...]
                }
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? input.fileHandleForWriting.close()
    }

    func send(_ line: String) throws { try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8)) }

    /// The first line not yet consumed that contains `text`, waiting up to 20 s (a bound, not a measurement).
    func expect(_ text: String) throws -> String? {
        let deadline = Date().addingTimeInterval(20)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let i = lines.firstIndex(where: { $0.contains(text) }) {
                let line = lines[i]
                lines.removeFirst(i + 1)
                return line
            }
            if ended || !lock.wait(until: deadline) { return nil }
        }
    }

    func command(_ line: String, _ text: String) throws -> String? {
        try send(line)
        return try expect(text)
    }
}

/// The built `confchat` the test runs (CONFCHAT overrides), and why the test cannot run here, if it cannot.
enum BuiltConfChat {
    static let binary: String = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return ProcessInfo.processInfo.environment["CONFCHAT"] ?? here.appendingPathComponent(".build/debug/confchat").path
    }()

    static var skipReason: String? {
        if let reason = HostsHere.skipReason { return reason }
        return FileManager.default.isExecutableFile(atPath: binary) ? nil : "\(binary) is not built (swift build --product confchat)"
    }
}
