import ConfChatZMQ
import CZMQ
import Foundation

/// Counts the connections a node's inbox holds, through libzmq's socket monitor, and closes
/// each one accepted beyond `InboxLimits` (in all, or from one address).
///
/// libzmq accepts every connection and offers no cap; a remote party that opens connections
/// faster than they end (a flood, or a thousand lazy-pirate clients reconnecting to a
/// registry too busy to finish their handshakes) makes the node hold an engine and a receive
/// buffer for each. The monitor reports each accepted connection with its descriptor and
/// each one that ends with the same descriptor, in the order they happened, so the live ones
/// are known by descriptor. One too many is shut down (`shutdown(2)`, not `close`: the
/// descriptor stays libzmq's), libzmq sees it end and frees it, and the client's reconnect
/// tries again later.
///
/// A descriptor is only acted on after checking that it is still the connection the event
/// was about (the same local and remote address): by the time an event is read, libzmq may
/// have closed that descriptor and the number been given to another file.
final class InboxConnections {
    /// A live connection: who it is from, and its two ends as `getsockname`/`getpeername` say.
    private struct Connection: Equatable {
        var address: String
        var ends: [UInt8]
    }

    let limits: InboxLimits
    private let monitor: ZMQSocket
    private var live: [Int32: Connection] = [:]
    private var perAddress: [String: Int] = [:]
    /// Connections closed since `closedSinceTrim` was last reset (`NodeSockets.trimHeap`).
    var closedSinceTrim = 0
    /// Refusals, for the log: the first is told, then every thousandth.
    private(set) var refused = 0
    /// Told of refusals (the first, then every thousandth).
    var onRefused: ((String) -> Void)?

    /// Starts watching `inbox`; call before it binds, so no connection goes uncounted.
    init(watching inbox: ZMQSocket, limits: InboxLimits) throws {
        self.limits = limits
        // Unbounded: a dropped event would leave a connection counted for ever, or one
        // uncounted. What waits there is a few dozen octets a connection, each of which
        // costs libzmq far more.
        monitor = try inbox.monitor(events: ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED, unbounded: true)
    }

    var rawHandle: UnsafeMutableRawPointer { monitor.rawHandle }

    /// Connections held now (as far as the events read so far say).
    var count: Int { live.count }

    /// Reads the events waiting: [event (u16 LE), value (u32 LE: the descriptor)] then the endpoint.
    func drain() throws {
        while let frames = try monitor.receive(), frames.count >= 2, frames[0].count >= 6 {
            let event = Int32(frames[0][0]) | Int32(frames[0][1]) << 8
            let fd = frames[0][2...5].reversed().reduce(Int32(0)) { $0 << 8 | Int32($1) }
            if event == ZMQ_EVENT_ACCEPTED {
                accepted(fd)
            } else if event == ZMQ_EVENT_DISCONNECTED {
                ended(fd)
            }
        }
    }

    private func accepted(_ fd: Int32) {
        // A descriptor still counted ended without its event reaching us: forget it.
        ended(fd)
        guard let connection = Self.connection(fd) else { return }
        if let why = overLimit(connection.address) {
            refuse(fd, connection, why)
            return
        }
        live[fd] = connection
        perAddress[connection.address, default: 0] += 1
    }

    private func ended(_ fd: Int32) {
        guard let gone = live.removeValue(forKey: fd) else { return }
        closedSinceTrim += 1
        perAddress[gone.address]! -= 1
        if perAddress[gone.address] == 0 { perAddress[gone.address] = nil }
    }

    /// Why one more connection from `address` is one too many, or nil.
    private func overLimit(_ address: String) -> String? {
        if live.count >= limits.connections {
            forgetStale()
            if live.count >= limits.connections { return "\(limits.connections) connections held already, the most in all" }
        }
        // An ipc inbox has no addresses: only the total counts.
        guard !address.isEmpty, perAddress[address, default: 0] >= limits.connectionsPerAddress else { return nil }
        forgetStale()
        guard perAddress[address, default: 0] >= limits.connectionsPerAddress else { return nil }
        return "\(limits.connectionsPerAddress) connections from that address held already, the most from one address"
    }

    /// Drops what is counted but no longer there (an end whose event was lost): checked
    /// only when a limit is reached, at most once in a hundred refusals.
    private func forgetStale() {
        guard refused % 100 == 0 else { return }
        for (fd, connection) in live where Self.connection(fd) != connection { ended(fd) }
    }

    private func refuse(_ fd: Int32, _ connection: Connection, _ why: String) {
        // Still the connection the event named (not a descriptor libzmq closed and reused)?
        guard Self.connection(fd) == connection else { return }
        _ = shutdown(fd, Int32(SHUT_RDWR))
        refused += 1
        if refused == 1 || refused % 1000 == 0 {
            let who = connection.address.isEmpty ? "an ipc client" : connection.address
            onRefused?("refused a connection from \(who): \(why)" + (refused > 1 ? " (\(refused) refused so far)" : ""))
        }
    }

    /// The connection on `fd`: its remote IP address ("" for ipc) and both ends, raw; nil
    /// if `fd` is no connected socket.
    private static func connection(_ fd: Int32) -> Connection? {
        var local = sockaddr_storage(), remote = sockaddr_storage()
        var localSize = socklen_t(MemoryLayout<sockaddr_storage>.size), remoteSize = localSize
        let ok = withUnsafeMutablePointer(to: &local) { l in
            withUnsafeMutablePointer(to: &remote) { r in
                l.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localSize) } == 0
                    && r.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &remoteSize) } == 0
            }
        }
        guard ok else { return nil }
        let ends = Self.bytes(of: local, localSize) + Self.bytes(of: remote, remoteSize)
        return Connection(address: Self.ip(remote), ends: ends)
    }

    private static func bytes(of address: sockaddr_storage, _ size: socklen_t) -> [UInt8] {
        withUnsafeBytes(of: address) { Array($0.prefix(Int(size))) }
    }

    /// The IP address of `address` as text; "" for a family without one (ipc).
    private static func ip(_ address: sockaddr_storage) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = address
        let family = Int32(address.ss_family)
        let ok: Bool = withUnsafePointer(to: &copy) { p in
            switch family {
            case AF_INET:
                p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { s in
                    var a = s.pointee.sin_addr
                    return inet_ntop(AF_INET, &a, &text, socklen_t(text.count)) != nil
                }
            case AF_INET6:
                p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { s in
                    var a = s.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &a, &text, socklen_t(text.count)) != nil
                }
            default: false
            }
        }
        return ok ? String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    func close() { monitor.close() }
}
