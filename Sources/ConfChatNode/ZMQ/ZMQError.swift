import CZMQ

/// A libzmq call that returned -1, with the errno it left and what we were doing.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    public let errno: Int32
    public let operation: String

    init(_ operation: String) {
        self.errno = zmq_errno()
        self.operation = operation
    }

    public var isAgain: Bool { errno == EAGAIN }
    public var isHostUnreachable: Bool { errno == EHOSTUNREACH }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(errno))) (errno \(errno))"
    }
}
