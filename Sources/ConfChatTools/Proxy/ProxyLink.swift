import Foundation
import Glibc

/// One connection through `NetworkProxy`: the socket a node connected from (`down`) and the
/// one the proxy opened to the destination (`up`), with what waits to go each way.
///
/// Only the proxy's thread touches it.
final class ProxyLink {
    /// One direction: the framer that cuts what was read into units, the units waiting for
    /// their time (in the order they must go: a later message never overtakes an earlier
    /// one, or CURVE's nonces would break the connection), and the bytes due to be written.
    struct Direction {
        /// Who sends and who receives this way, for the network's conditions.
        let from: String, to: String
        var framer = ZMTPFramer()
        var waiting: [(due: Double, bytes: [UInt8])] = []
        var waitingStart = 0
        var out: [UInt8] = []
        var outStart = 0
        /// When the last unit waiting is due: a later unit is due no earlier.
        var lastDue = 0.0

        init(from: String, to: String) {
            self.from = from
            self.to = to
        }

        /// Bytes held this way: what the framer holds, what waits, what is due.
        var held: Int {
            framer.held + waiting[waitingStart...].reduce(0) { $0 + $1.bytes.count } + out.count - outStart
        }

        var hasOutput: Bool { outStart < out.count }

        mutating func schedule(_ bytes: [UInt8], due: Double) {
            lastDue = max(lastDue, due)
            waiting.append((lastDue, bytes))
        }

        /// Moves the units due by `now` to the output.
        mutating func release(now: Double) {
            while waitingStart < waiting.count, waiting[waitingStart].due <= now {
                out += waiting[waitingStart].bytes
                waitingStart += 1
            }
            if waitingStart == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                waitingStart = 0
            }
        }

        /// When the next unit waiting is due, if any.
        var nextDue: Double? { waitingStart < waiting.count ? waiting[waitingStart].due : nil }

        /// Writes what is due to `fd` without blocking; false when the socket failed.
        mutating func flush(to fd: Int32) -> Bool {
            while outStart < out.count {
                let n = out[outStart...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
                outStart += n
            }
            out.removeAll(keepingCapacity: true)
            outStart = 0
            return true
        }
    }

    let source: String, destination: String
    let down: Int32
    let up: Int32
    /// Whether the connection to the destination is established (it is opened non-blocking).
    var upConnected = false
    /// From the node that connected to the destination, and back.
    var toUp: Direction
    var toDown: Direction

    init(source: String, destination: String, down: Int32, up: Int32) {
        self.source = source
        self.destination = destination
        self.down = down
        self.up = up
        toUp = Direction(from: source, to: destination)
        toDown = Direction(from: destination, to: source)
    }

    /// Closes both sockets. The one to the node that connected is reset, not closed: what
    /// the proxy wrote to it and the network has not delivered is thrown away, as it is lost
    /// when the other end crashes. A graceful close would leave it to the kernel, which on
    /// `--hosts` keeps retransmitting it into a partition and delivers it after `heal`, for a
    /// node that may have crashed since (`HostNetwork+Crash` does the same for the node's own
    /// sockets).
    func close() {
        var reset = linger(l_onoff: 1, l_linger: 0)
        setsockopt(down, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        Glibc.close(down)
        Glibc.close(up)
    }
}
