import ConfChatScenario
@testable import ConfChatTools
import Foundation
import Glibc
import Testing

/// The runner's proxy over real loopback sockets: it carries a ZMTP stream byte for byte,
/// closes a connection whose bytes are not ZMTP 3 and goes on serving others, cuts a
/// partitioned pair, and loses messages (not the greeting) on a lossy link. Reads wait at
/// most 10 s so that a broken proxy fails the test instead of hanging it; nothing here
/// measures time.
@Suite(.serialized) struct NetworkProxyTests {
    static let frame = ZMTPFramerTests.frame(Array("hello".utf8))

    /// A proxy that forwards connections from 127.0.0.1 (node `a`) for node `b` to a
    /// listening socket of the test's (`sink`).
    final class Setup {
        let proxy: NetworkProxy
        let sink: Int32
        let endpoint: String

        init() throws {
            proxy = try NetworkProxy(seed: 1, timeScale: 1)
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            sink = listener
            var address = try NetworkProxy.address("127.0.0.1", port: 0)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
                }
            }
            try proxy.identify(source: "127.0.0.1", as: "a")
            endpoint = try proxy.listen(for: "b", host: "127.0.0.1")
            try proxy.forward("b", to: "tcp://127.0.0.1:\(UInt16(bigEndian: address.sin_port))")
        }

        deinit {
            proxy.stop()
            close(sink)
        }

        /// A connection to the proxy's listener for `b`.
        func connectToB() throws -> Int32 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var target = try NetworkProxy.address(endpoint: endpoint)
            let rc = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(rc == 0)
            Self.limitReads(fd)
            return fd
        }

        /// The next connection the proxy opened to the sink.
        func acceptAtSink() -> Int32 {
            var item = pollfd(fd: sink, events: Int16(POLLIN), revents: 0)
            guard poll(&item, 1, 10_000) == 1 else { return -1 }
            let fd = accept(sink, nil, nil)
            Self.limitReads(fd)
            return fd
        }

        static func limitReads(_ fd: Int32) {
            var limit = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `count` bytes are in or the connection ends, closed or reset (the proxy
    /// resets the side of the node that connected); nil: it did not end, or did not
    /// deliver, within the read limit.
    static func read(_ fd: Int32, count: Int) -> [UInt8]? {
        var got: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while got.count < count {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 || (n < 0 && errno == ECONNRESET) { return got }
            if n < 0 { return nil }
            got += buffer[..<n]
        }
        return got
    }

    @Test("bytes that are not ZMTP close that connection; the proxy carries the next one byte for byte")
    func hostileThenGood() throws {
        let setup = try Setup()
        let bad = try setup.connectToB()
        Self.write(bad, [0x16, 0x03, 0x01] + [UInt8](repeating: 0xEE, count: 5000))
        #expect(Self.read(bad, count: 1) == [], "the proxy closes the connection")
        let badUpstream = setup.acceptAtSink()
        #expect(Self.read(badUpstream, count: 1) == [], "and its side towards the destination, having passed nothing")
        close(bad)
        close(badUpstream)

        let good = try setup.connectToB()
        let stream = ZMTPFramerTests.greeting + Self.frame + Self.frame
        Self.write(good, stream)
        let upstream = setup.acceptAtSink()
        #expect(Self.read(upstream, count: stream.count) == stream)
        Self.write(upstream, ZMTPFramerTests.greeting)
        #expect(Self.read(good, count: 64) == ZMTPFramerTests.greeting, "and carries the other way too")
        close(good)
        close(upstream)
    }

    @Test("when the destination's side ends, the connecting side is reset, not closed: the proxy's kernel keeps nothing to deliver later")
    func destinationGoneResets() throws {
        let setup = try Setup()
        let fd = try setup.connectToB()
        Self.write(fd, ZMTPFramerTests.greeting)
        let upstream = setup.acceptAtSink()
        #expect(Self.read(upstream, count: 64) == ZMTPFramerTests.greeting)
        close(upstream)
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        let error = errno
        #expect(n == -1 && error == ECONNRESET, "recv returned \(n), errno \(error)")
        close(fd)
    }

    @Test("a partition closes the pair's connection and refuses new ones until heal")
    func partition() throws {
        let setup = try Setup()
        let before = try setup.connectToB()
        Self.write(before, ZMTPFramerTests.greeting)
        let upstream = setup.acceptAtSink()
        #expect(Self.read(upstream, count: 64) == ZMTPFramerTests.greeting)
        setup.proxy.partition([["a"], ["b"]])
        #expect(Self.read(before, count: 1) == [], "the open connection is closed")
        #expect(Self.read(upstream, count: 1) == [])
        let during = try setup.connectToB()
        #expect(Self.read(during, count: 1) == [], "a new one is closed at once")
        setup.proxy.heal()
        let after = try setup.connectToB()
        Self.write(after, ZMTPFramerTests.greeting)
        let healed = setup.acceptAtSink()
        #expect(Self.read(healed, count: 64) == ZMTPFramerTests.greeting)
        [before, upstream, during, after, healed].forEach { close($0) }
    }

    @Test("a link losing every message still carries the greeting and commands, and nothing of the messages")
    func loss() throws {
        let setup = try Setup()
        setup.proxy.apply(NetworkSetting(link: ["a", "b"], property: .loss(.all)))
        let ready = ZMTPFramerTests.command("READY", [1, 2, 3])
        let ping = ZMTPFramerTests.command("PING", [0, 1])
        let client = try setup.connectToB()
        Self.write(client, ZMTPFramerTests.greeting + Self.frame + ready + Self.frame + ping)
        let upstream = setup.acceptAtSink()
        let expected = ZMTPFramerTests.greeting + ready + ping
        #expect(Self.read(upstream, count: expected.count) == expected)
        close(client)
        close(upstream)
    }
}
