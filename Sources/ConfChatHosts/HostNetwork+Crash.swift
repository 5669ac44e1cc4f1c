import Foundation

/// A crash on a host, as a machine's crash would be: the process and what its kernel still
/// held for it.
///
/// A process killed with SIGKILL closes its sockets, but the kernel keeps a closed TCP
/// socket that still has unacknowledged data (an orphan) and retransmits that data for
/// minutes. Across a cut the retransmissions are dropped, and after `heal` they arrive: a
/// message the dead process sent into the partition would be delivered by its host's
/// kernel after all, which a crashed machine could not do. So the runner notes a process's
/// connections before it kills it and destroys what is left of them afterwards (`ss -K`).
extension HostNetwork {
    /// One TCP connection of a process: its local port and the remote address and port.
    public struct Connection: Hashable, Sendable {
        public let localPort: Int
        public let remoteAddress: String
        public let remotePort: Int
    }

    /// The IPv4 TCP connections process `pid` holds now, read from /proc (its sockets'
    /// inodes in /proc/PID/fd, matched against its namespace's /proc/PID/net/tcp).
    public static func connections(ofProcess pid: Int32) -> [Connection] {
        let fdDir = "/proc/\(pid)/fd"
        let inodes = Set(((try? FileManager.default.contentsOfDirectory(atPath: fdDir)) ?? []).compactMap { fd -> String? in
            // readlink(2) itself: the link's target, `socket:[N]`, is no path.
            var buffer = [CChar](repeating: 0, count: 64)
            let n = readlink("\(fdDir)/\(fd)", &buffer, buffer.count - 1)
            guard n > 0 else { return nil }
            let target = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst("socket:[".count).dropLast())
        })
        // Read to the end: a /proc file says it has size 0.
        guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/net/tcp") else { return [] }
        defer { try? handle.close() }
        let table = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return table.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: " ")
            guard f.count > 9, inodes.contains(String(f[9])) else { return nil }
            return parse(local: f[1], remote: f[2])
        }
    }

    /// `0100007F:1F90` (little-endian hex address, hex port) pairs as a connection; nil for
    /// a listening socket (remote port 0).
    static func parse(local: Substring, remote: Substring) -> Connection? {
        let l = local.split(separator: ":"), r = remote.split(separator: ":")
        guard l.count == 2, r.count == 2, let lport = Int(l[1], radix: 16), let rport = Int(r[1], radix: 16), rport != 0,
              let raw = UInt32(r[0], radix: 16) else { return nil }
        let octets = (0..<4).map { String((raw >> (8 * UInt32($0))) & 0xff) }
        return Connection(localPort: lport, remoteAddress: octets.joined(separator: "."), remotePort: rport)
    }

    /// Destroys, in host I, the sockets of these connections (what a killed process left to
    /// its kernel). Best effort: a connection already gone is no error.
    public func destroy(_ connections: [Connection], inHost index: Int) {
        for c in connections {
            _ = try? ip.run(["netns", "exec", namespace(ofHost: index), "ss", "-K", "-t",
                             "dst", "\(c.remoteAddress):\(c.remotePort)", "sport", "=", ":\(c.localPort)"])
        }
    }
}
