@testable import ConfChatHosts
import Foundation
import Testing

/// Real namespaces, a real bridge, real TCP: these run where the test may make network
/// namespaces (root, or CAP_NET_ADMIN + CAP_SYS_ADMIN) and has `ip` and python3 (the small
/// TCP echo server and client that run inside the hosts); elsewhere they skip, saying why.
@Suite("Hosts: namespaces on a bridge, cut and healed in the kernel", .serialized,
       .enabled(if: HostsHere.skipReason == nil, "\(HostsHere.skipReason ?? "")"))
struct HostNetworkTests {
    /// Serves TCP echo on ADDRESS:PORT until killed; prints "ready" once listening.
    private static let server = """
        import socket, sys
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16); print("ready", flush=True)
        while True:
            c, _ = s.accept(); c.settimeout(2); c.sendall(c.recv(64)); c.close()
        """

    /// Connects to ADDRESS:PORT, sends "ping", exits 0 if it comes back within a second.
    private static let client = """
        import socket, sys
        try:
            c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1); c.settimeout(1)
            c.sendall(b"ping"); sys.exit(0 if c.recv(64) == b"ping" else 1)
        except OSError:
            sys.exit(1)
        """

    private static let port = "7000"

    /// Starts the echo server in `host`, listening on `address` (the host's own by default); returns once it listens.
    private func serve(_ network: HostNetwork, in host: Int, at address: String? = nil) throws -> Process {
        let p = network.process(inHost: host, executable: HostsHere.python!,
                                arguments: ["-c", Self.server, address ?? network.address(ofHost: host), Self.port])
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let line = String(decoding: out.fileHandleForReading.availableDataLine(), as: UTF8.self)
        try #require(line == "ready", "the echo server in host \(host) did not start")
        return p
    }

    /// Whether a TCP round trip from host `from` to host `to`'s echo server gets through.
    private func reaches(_ network: HostNetwork, from: Int, to: Int) throws -> Bool {
        try reaches(network, from: from, address: network.address(ofHost: to))
    }

    /// Whether a TCP round trip from host `from` to the echo server at `address` gets through.
    private func reaches(_ network: HostNetwork, from: Int, address: String) throws -> Bool {
        let p = network.process(inHost: from, executable: HostsHere.python!, arguments: ["-c", Self.client, address, Self.port])
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    private func leftovers(of runID: String) throws -> [String] {
        let ip = try #require(IPCommand.locate())
        let names = try ip.run(["netns", "list"]) + ip.run(["-o", "link", "show"])
        return names.split(separator: "\n").filter { $0.contains(runID) }.map(String.init)
    }

    @Test func threeHostsTalkOverTCPUntilCutThenAgainWhenHealedAndLeaveNothing() throws {
        let net = try HostNetwork(hosts: 3)
        defer { net.tearDown() }
        let runID = net.runID
        #expect(Set([1, 2, 3].map(net.address(ofHost:))).count == 3)
        let servers = try [2, 3].map { try serve(net, in: $0) }

        #expect(try reaches(net, from: 1, to: 2))
        #expect(try reaches(net, from: 1, to: 3))

        try net.cut(1, 2)
        #expect(try !reaches(net, from: 1, to: 2))
        #expect(try reaches(net, from: 1, to: 3))
        #expect(net.cutPairs.map { [$0.0, $0.1] } == [[1, 2]])

        try net.heal(1, 2)
        #expect(try reaches(net, from: 1, to: 2))
        #expect(net.cutPairs.isEmpty)

        try net.isolate(1)
        #expect(try !reaches(net, from: 1, to: 2))
        #expect(try !reaches(net, from: 1, to: 3))
        try net.healAll()
        #expect(try reaches(net, from: 1, to: 3))

        #expect(try !leftovers(of: runID).isEmpty)
        // The servers still run in their hosts: teardown kills them with the namespaces.
        net.tearDown()
        for s in servers { s.waitUntilExit() }
        #expect(try leftovers(of: runID) == [])
    }

    @Test func anAddedAddressIsReachedAndCutWithItsHostEvenWhenAddedDuringTheCut() throws {
        let net = try HostNetwork(hosts: 3)
        defer { net.tearDown() }
        let early = try net.addAddress(toHost: 2)
        #expect(early == "\(net.subnet).4")
        let first = try serve(net, in: 2, at: early)
        defer { first.terminate() }
        #expect(try reaches(net, from: 1, address: early))

        try net.cut(1, 2)
        let late = try net.addAddress(toHost: 2)
        let second = try serve(net, in: 2, at: late)
        defer { second.terminate() }
        #expect(try !reaches(net, from: 1, address: early))
        #expect(try !reaches(net, from: 1, address: late))
        #expect(try reaches(net, from: 3, address: late))
        #expect(net.addresses(ofHost: 2) == [net.address(ofHost: 2), early, late])

        try net.healAll()
        #expect(try reaches(net, from: 1, address: early))
        #expect(try reaches(net, from: 1, address: late))
    }

    @Test func aSocketMadeForAHostIsOfThatHostsNetwork() throws {
        let net = try HostNetwork(hosts: 2)
        defer { net.tearDown() }
        // Host 2's address exists only in host 2: binding it works there and nowhere else.
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        _ = inet_pton(AF_INET, net.address(ofHost: 2), &address.sin_addr)
        func binds(_ fd: Int32) -> Bool {
            defer { close(fd) }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }
        #expect(binds(try net.socket(inHost: 2)))
        #expect(!binds(try net.socket(inHost: 1)))
        #expect(!binds(socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)))
    }

    @Test func noSocketIsMadeInAHostTornDown() throws {
        let net = try HostNetwork(hosts: 1)
        close(try net.socket(inHost: 1))
        net.tearDown()
        #expect(throws: HostNetworkError("host 1 is torn down")) { try net.socket(inHost: 1) }
    }

    @Test func aKilledRunsNamespacesAreRemovedOnceItsOwnerIsGone() throws {
        let ip = try #require(IPCommand.locate())
        // A pid that existed and is gone: a child that has exited and been waited for.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = HostNames(owner: child.processIdentifier, serial: 0)
        try #require(!HostNetwork.isAlive(dead.owner))
        try ip.run(["netns", "add", dead.hub])
        try ip.run(["netns", "add", dead.host(1)])
        // A live owner's run (this process, under a serial no network of it uses) stays.
        let live = HostNames(owner: getpid(), serial: 9_999)
        try ip.run(["netns", "add", live.hub])
        defer { _ = try? ip.run(["netns", "del", live.hub]) }

        // Other stale runs on this machine go too; this process's own run stays.
        let removed = try HostNetwork.removeStale()
        #expect(removed.contains(dead.hub) && removed.contains(dead.host(1)))
        #expect(!removed.contains(live.hub))
        let left = try ip.namespaces()
        #expect(!left.contains(dead.hub) && !left.contains(dead.host(1)))
        #expect(left.contains(live.hub))
    }
}

private extension FileHandle {
    /// The first line written to this handle (without its newline), read byte by byte so nothing after it is consumed.
    func availableDataLine() -> Data {
        var line = Data()
        while true {
            let byte = readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { return line }
            line += byte
        }
    }
}

/// Whether this machine lets the tests make hosts, and the python3 they run in them.
enum HostsHere {
    static let python: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        .split(separator: ":").map { $0 + "/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    static let skipReason: String? = {
        do { _ = try HostPrivileges.system.check() } catch { return "cannot make hosts here: \(error)" }
        return python == nil ? "python3 (the TCP echo in the hosts) is not on PATH" : nil
    }()
}

@Suite("Hosts: a network goes when its last reference does", .serialized,
       .enabled(if: HostsHere.skipReason == nil, "\(HostsHere.skipReason ?? "")"))
struct HostNetworkLifetimeTests {
    @Test func droppingTheNetworkRemovesItsNamespaces() throws {
        let ip = try #require(IPCommand.locate())
        var network: HostNetwork? = try HostNetwork(hosts: 2)
        let hub = try #require(network?.names.hub)
        #expect(try ip.namespaces().contains(hub))
        network = nil
        #expect(try !ip.namespaces().contains { $0.hasPrefix(hub.dropLast(3)) })
    }
}
