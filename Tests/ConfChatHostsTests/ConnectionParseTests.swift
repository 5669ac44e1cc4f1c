@testable import ConfChatHosts
import Foundation
import Testing

/// Reading a killed process's connections from /proc/PID/net/tcp (`HostNetwork+Crash`): the
/// runner destroys exactly these sockets after a crash, so the parse must name the right ones.
@Suite("Hosts: a process's TCP connections from /proc")
struct ConnectionParseTests {
    @Test func aConnectionReadsAsLocalPortAndRemoteAddressAndPort() {
        // 10.77.0.1:5555 (little-endian hex address, hex port), from local port 40000.
        let c = HostNetwork.parse(local: "02004D0A:9C40", remote: "01004D0A:15B3")
        #expect(c == HostNetwork.Connection(localPort: 40000, remoteAddress: "10.77.0.1", remotePort: 5555))
    }

    @Test func aListeningSocketIsNoConnection() {
        #expect(HostNetwork.parse(local: "02004D0A:15B3", remote: "00000000:0000") == nil)
    }

    @Test func thisProcessSeesItsOwnConnection() throws {
        // A connection of this very process, over loopback: found by its socket inodes.
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0), client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(server); close(client) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: UInt32(0x7F00_0001).bigEndian), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                try #require(bind(server, sa, length) == 0 && listen(server, 1) == 0 && getsockname(server, sa, &length) == 0)
                try #require(connect(client, sa, length) == 0)
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let found = HostNetwork.connections(ofProcess: getpid())
        #expect(found.contains { $0.remoteAddress == "127.0.0.1" && $0.remotePort == port }, "\(found) \(port)")
    }
}
