import ConfChatZMQ
import CZMQ
import Foundation

/// The runner's side of a node's control channel (`ControlChannel`): reads the endpoint and
/// token from `DATA/control` and sends command lines.
public final class ControlClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private var socket: ZMQSocket
    private let endpoint: String
    private let token: String

    /// Connects to the node whose data directory is `dataDirectory`; nil while its
    /// `control` file is not there yet (the node is starting).
    public init?(dataDirectory: String) throws {
        let path = (dataDirectory as NSString).appendingPathComponent(ControlChannel.fileName)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 2 else { return nil }  // still being written
        endpoint = lines[0]
        token = lines[1]
        socket = try Self.connect(endpoint)
    }

    /// Connects with an explicit token (tests of the channel's authentication).
    public init(endpoint: String, token: String) throws {
        self.endpoint = endpoint
        self.token = token
        socket = try Self.connect(endpoint)
    }

    deinit { socket.close() }

    private static func connect(_ endpoint: String) throws -> ZMQSocket {
        let s = try ZMQSocket(context: try ZMQContext.shared(), type: ZMQ_REQ)
        try s.set(ZMQ_LINGER, int: 0)
        try s.connect(endpoint)
        return s
    }

    /// Sends one command line and waits up to `timeoutMs` for the reply.
    public func request(_ line: String, timeoutMs: Int) throws -> ControlChannel.Reply {
        try socket.send([Array(token.utf8), Array(line.utf8)])
        guard try socket.waitReadable(timeoutMs: timeoutMs), let frames = try socket.receive(), frames.count == 2 else {
            // A REQ socket that got no reply cannot send again: start over.
            socket.close()
            socket = try Self.connect(endpoint)
            throw Failure(description: "no answer to '\(line)' on the control channel \(endpoint) within \(timeoutMs) ms")
        }
        let status = ControlChannel.Status(rawValue: String(decoding: frames[0], as: UTF8.self)) ?? .error
        return ControlChannel.Reply(status, String(decoding: frames[1], as: UTF8.self))
    }
}
