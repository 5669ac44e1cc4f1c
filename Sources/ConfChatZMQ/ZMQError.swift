import CZMQ

/// A libzmq call that returned -1, with the errno it left and what we were doing.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    public let errno: Int32
    public let operation: String

    package init(_ operation: String) {
        self.errno = zmq_errno()
        self.operation = operation
    }

    public var isAgain: Bool { errno == EAGAIN }
    public var isHostUnreachable: Bool { errno == EHOSTUNREACH }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(errno))) (errno \(errno))" + (hint.map { ": " + $0 } ?? "")
    }

    /// What to do about the bind errors a user causes by a typo or a busy port; libzmq's
    /// words alone ("No such device" for a host that is not this machine's) do not say it.
    private var hint: String? {
        guard operation.hasPrefix("zmq_bind(") else { return nil }
        switch errno {
        case EADDRINUSE: return "another process listens there; stop it or pick another port (PORT * for any free one)"
        case ENODEV: return "HOST is not an address of this machine (bind to one of its addresses, 127.0.0.1, or * for all; IPv6 addresses are not enabled)"
        case EACCES: return "ports below 1024 need privileges; pick a port from 1024"
        default: return nil
        }
    }
}
