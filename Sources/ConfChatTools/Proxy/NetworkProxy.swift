import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import Foundation
import Glibc

/// The runner's network between real processes (`run --processes`): a tcp proxy that
/// carries out `partition`, `heal` and the `network` statements, so the processes never
/// drop or delay anything themselves.
///
/// It listens once for each destination node (`listen(for:host:)`, the endpoint that node
/// advertises) and forwards each connection to where the node really is (`forward`). It
/// knows who connected by the connection's source address (`identify`): each node binds
/// and connects from an address of its own (any of 127.0.0.0/8 on loopback), so every
/// connection belongs to one (source, destination) pair. A connection from an address it
/// does not know is refused.
///
/// - Partition: the cut pairs' connections are closed, and new ones are accepted and closed
///   at once until `heal` (ZeroMQ reconnects every 100 ms), in both directions.
/// - Conditions: act per ZeroMQ message (`ZMTPFramer`), drawn by the simulator's own
///   `NetworkConditions` from the scenario's seed; latency in scenario time (divided by
///   the time scale). A connection keeps its order: a delayed message holds back the ones
///   behind it (tcp would too, and CURVE refuses a nonce that goes back).
/// - Bounds: at most `maxLinks` connections; each direction of one holds at most one
///   frame being read (up to `ZMTPFramer.defaultMaxFrame`, 8 MiB and 1 KiB) and stops
///   reading while `maxQueued` bytes (1 MiB) wait to be written.
///
/// One thread of its own owns the sockets; the methods hand it their change and return.
package final class NetworkProxy: @unchecked Sendable {
    package static let maxLinks = 1024
    package static let maxQueued = 1 << 20

    /// Where the proxy reports what it refused or closed, and why (from its thread).
    package var log: (@Sendable (String) -> Void)?

    private let timeScale: Double
    /// Makes the proxy's socket for connections to a destination: its listener's, and the
    /// one it opens to the destination (on hosts, in the destination's host).
    private let openSocket: @Sendable (_ destination: String) throws -> Int32
    private let lock = NSLock()
    private var changes: [(NetworkProxy) -> Void] = []
    private var stopping = false
    private let wakeRead: Int32, wakeWrite: Int32
    private let finished = DispatchSemaphore(value: 0)

    // Owned by the proxy's thread.
    private var listeners: [Int32: String] = [:]
    private var forwards: [String: sockaddr_in] = [:]
    private var sources: [UInt32: String] = [:]
    private var links: [ProxyLink] = []
    private var cut = Partition()
    private var conditions: NetworkConditions

    /// - Parameters:
    ///   - seed: the scenario's seed: each message's fate is drawn from it.
    ///   - timeScale: scenario milliseconds per real millisecond (`--time-scale`).
    ///   - openSocket: a new non-blocking TCP socket for connections to this destination;
    ///     by default one of this machine's own network.
    package init(seed: UInt64, timeScale: Int64,
                 openSocket: @escaping @Sendable (_ destination: String) throws -> Int32 = NetworkProxy.localSocket) throws {
        self.timeScale = Double(max(1, timeScale))
        self.openSocket = openSocket
        conditions = NetworkConditions(seed: seed ^ 0x9E_0C_5A)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ProcessWorldError("the proxy's wake-up pipe: \(String(cString: strerror(errno)))") }
        (wakeRead, wakeWrite) = (fds[0], fds[1])
        fds.forEach(Self.nonBlocking)
        let thread = Thread { [self] in run() }
        thread.name = "network-proxy"
        thread.start()
    }

    deinit { stop() }

    // MARK: - What the runner changes

    /// Opens the listener for `destination` on `host` at `port` (0: one of the system's
    /// choosing); returns its endpoint, `tcp://HOST:PORT`, the one the node advertises.
    package func listen(for destination: String, host: String, port: UInt16 = 0) throws -> String {
        let fd = try openSocket(destination)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = try Self.address(host, port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && Glibc.listen(fd, 128) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ProcessWorldError("the proxy cannot listen for \(destination) on \(host): \(reason)")
        }
        change { $0.listeners[fd] = destination }
        return "tcp://\(host):\(UInt16(bigEndian: address.sin_port))"
    }

    /// Closes the listeners for `destination`: connecting there is refused, as it is to a
    /// node that is down (its connections open stay open).
    package func stopListening(for destination: String) {
        change { proxy in
            for (fd, name) in proxy.listeners where name == destination {
                Glibc.close(fd)
                proxy.listeners[fd] = nil
            }
        }
    }

    /// Where connections for `destination` go from now on: `tcp://IP:PORT`.
    package func forward(_ destination: String, to endpoint: String) throws {
        let target = try Self.address(endpoint: endpoint)
        change { $0.forwards[destination] = target }
    }

    /// Connections from `host` (an IPv4 address) are `node`'s.
    package func identify(source host: String, as node: String) throws {
        let address = try Self.address(host, port: 0).sin_addr.s_addr
        change { $0.sources[address] = node }
    }

    package func partition(_ groups: [[String]]) {
        change { proxy in
            proxy.cut = Partition(groups)
            for link in proxy.links where proxy.cut.blocked(link.source, link.destination) {
                proxy.drop(link, "partition")
            }
        }
    }

    package func heal() { change { $0.cut = Partition() } }

    /// A `network` statement, for messages read from now on.
    package func apply(_ setting: NetworkSetting) { change { $0.conditions.apply(setting) } }

    /// Closes every socket and ends the thread; waits for it.
    package func stop() {
        let first = lock.withLock {
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        wake()
        finished.wait()
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    private func change(_ body: @escaping (NetworkProxy) -> Void) {
        lock.withLock { changes.append(body) }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: - The proxy's thread

    private var now: Double { ProcessInfo.processInfo.systemUptime }

    private func run() {
        while !applyChanges() { poll() }
        for link in links { link.close() }
        links = []
        for fd in listeners.keys { Glibc.close(fd) }
        listeners = [:]
        finished.signal()
    }

    /// Carries out the changes asked for; true once `stop` is asked.
    private func applyChanges() -> Bool {
        let (pending, stop) = lock.withLock { () -> ([(NetworkProxy) -> Void], Bool) in
            defer { changes = [] }
            return (changes, stopping)
        }
        pending.forEach { $0(self) }
        return stop
    }

    /// One round: waits for a socket or the next message's time, then moves what it can.
    private func poll() {
        var items = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        let listening = Array(listeners.keys)
        items += listening.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        for link in links {
            var down = Int16(0), up = Int16(0)
            if link.toUp.held - link.toUp.framer.held < Self.maxQueued { down |= Int16(POLLIN) }
            if link.toDown.hasOutput { down |= Int16(POLLOUT) }
            if !link.upConnected {
                up = Int16(POLLOUT)
            } else {
                if link.toDown.held - link.toDown.framer.held < Self.maxQueued { up |= Int16(POLLIN) }
                if link.toUp.hasOutput { up |= Int16(POLLOUT) }
            }
            items.append(pollfd(fd: link.down, events: down, revents: 0))
            items.append(pollfd(fd: link.up, events: up, revents: 0))
        }
        let due = links.flatMap { [$0.toUp.nextDue, $0.toDown.nextDue].compactMap { $0 } }.min()
        let timeout = due.map { Int32(max(0, min(1000, ($0 - now) * 1000 + 1))) } ?? 1000
        guard Glibc.poll(&items, nfds_t(items.count), timeout) >= 0 || errno == EINTR else { return }
        if items[0].revents != 0 {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &sink, sink.count) > 0 {}
            // Before accepting: a connection made after `heal` returned is not refused.
            if applyChanges() { return }
        }
        // The links polled (accepting adds more, serving may drop some).
        let polled = links
        for (i, fd) in listening.enumerated() where items[1 + i].revents != 0 { accept(on: fd) }
        let base = 1 + listening.count
        for (i, link) in polled.enumerated() {
            serve(link, down: items[base + 2 * i].revents, up: items[base + 2 * i + 1].revents)
        }
    }

    private func serve(_ link: ProxyLink, down: Int16, up: Int16) {
        guard links.contains(where: { $0 === link }) else { return }
        let failed = Int16(POLLERR | POLLHUP | POLLNVAL)
        if !link.upConnected, up != 0 {
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(link.up, SOL_SOCKET, SO_ERROR, &error, &size)
            guard error == 0 else { return drop(link, "\(link.destination) is not there (\(String(cString: strerror(error))))") }
            link.upConnected = true
        }
        if down & Int16(POLLIN) != 0 || down & failed != 0 {
            guard take(from: link.down, into: &link.toUp, link) else { return }
        }
        if link.upConnected, up & Int16(POLLIN) != 0 || up & failed != 0 {
            guard take(from: link.up, into: &link.toDown, link) else { return }
        }
        let t = now
        link.toUp.release(now: t)
        link.toDown.release(now: t)
        if link.upConnected, !link.toUp.flush(to: link.up) { return drop(link, "writing to \(link.destination) failed") }
        if !link.toDown.flush(to: link.down) { drop(link, "writing to \(link.source) failed") }
    }

    /// Reads what `fd` has and schedules the units it completes; false (and the link
    /// dropped) when the connection ended or its bytes are not ZMTP 3.
    private func take(from fd: Int32, into direction: inout ProxyLink.Direction, _ link: ProxyLink) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &buffer, buffer.count, 0)
        if n < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return true }
        guard n > 0 else {
            drop(link, nil)
            return false
        }
        let units: [ZMTPFramer.Unit]
        do {
            units = try direction.framer.feed(buffer[..<n])
        } catch {
            drop(link, "from \(direction.from) to \(direction.to): \(error)")
            return false
        }
        let t = now
        for unit in units {
            switch unit {
            case let .control(bytes): direction.schedule(bytes, due: t)
            case let .message(bytes):
                guard case let .arrives(delays) = conditions.fate(from: direction.from, to: direction.to) else { continue }
                for d in delays { direction.schedule(bytes, due: Self.due(readAt: t, delayMs: d, timeScale: timeScale)) }
            }
        }
        return true
    }

    /// When a message read at `t` (real seconds) with a delay of `delayMs` scenario
    /// milliseconds is due: the delay once, divided by the time scale, from its own reading
    /// (a message's wait does not add to the next one's; `ProxyLink.Direction` only keeps
    /// the order).
    static func due(readAt t: Double, delayMs: Int64, timeScale: Double) -> Double {
        t + Double(delayMs) / timeScale / 1000
    }

    private func accept(on listener: Int32) {
        guard let destination = listeners[listener] else { return }
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(listener, $0, &length)
            }
        }
        guard fd >= 0 else { return }
        Self.nonBlocking(fd)
        let refuse = { (why: String) in
            Glibc.close(fd)
            self.log?("refused a connection to \(destination): \(why)")
        }
        guard let source = sources[peer.sin_addr.s_addr] else { return refuse("\(Self.text(peer)) is no node's address") }
        guard !cut.blocked(source, destination) else {
            Glibc.close(fd)
            return
        }
        guard var target = forwards[destination] else { return refuse("\(destination) has not started") }
        guard links.count < Self.maxLinks else { return refuse("\(Self.maxLinks) connections are open already") }
        let up: Int32
        do { up = try openSocket(destination) } catch { return refuse("no socket: \(error)") }
        let rc = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(up, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 || errno == EINPROGRESS else {
            Glibc.close(up)
            return refuse("cannot reach \(destination): \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        for s in [fd, up] { setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) }
        links.append(ProxyLink(source: source, destination: destination, down: fd, up: up))
    }

    /// Closes both sides of a link, dropping what it held.
    private func drop(_ link: ProxyLink, _ why: String?) {
        guard let i = links.firstIndex(where: { $0 === link }) else { return }
        links.remove(at: i)
        link.close()
        if let why { log?("closed \(link.source) -> \(link.destination): \(why)") }
    }

    /// A new non-blocking TCP socket of this machine's network.
    package static func localSocket(for destination: String) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ProcessWorldError("the proxy's socket for \(destination): \(String(cString: strerror(errno)))") }
        return fd
    }

    // MARK: - Addresses

    private static func nonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    static func address(_ host: String, port: UInt16) throws -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else { throw ProcessWorldError("'\(host)' is not an IPv4 address") }
        return a
    }

    /// `tcp://IP:PORT` as a socket address.
    static func address(endpoint: String) throws -> sockaddr_in {
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":"),
              let port = UInt16(endpoint[endpoint.index(after: colon)...]) else {
            throw ProcessWorldError("'\(endpoint)' is not tcp://IP:PORT")
        }
        return try address(String(endpoint[endpoint.index(endpoint.startIndex, offsetBy: 6)..<colon]), port: port)
    }

    private static func text(_ a: sockaddr_in) -> String {
        var addr = a.sin_addr
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
