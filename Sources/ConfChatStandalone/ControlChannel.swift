import ConfChatZMQ
import CZMQ
import Foundation

/// The control channel of a standalone node (`--control`), through which a test runner
/// (`confchat run --processes`) drives it: the prompt's verbs as actions, `view` for what
/// scenario expectations read (docs/protocol.md, "Control channel").
///
/// Off unless asked for. Local only: a REP socket bound to 127.0.0.1 on a free port, or
/// (`--control-ipc`) to the ipc socket `control.ipc` in the data directory: a runner in
/// another network namespace (`confchat run --hosts`) cannot reach a node's 127.0.0.1, which
/// is the namespace's own loopback, but ipc sockets live in the file system, which the
/// namespaces share. Authenticated: every request carries a 32-byte random token, which the node writes, with
/// the endpoint, to `control` (mode 0600) in its data directory (mode 0700), so only who can
/// read that directory can drive the node. A request with another token is refused and logged.
public final class ControlChannel {
    /// How a request went: `ok`, `refused` (the action was refused, as `!` expects in a
    /// scenario), `error` (a malformed request), `denied` (a wrong token).
    public enum Status: String, Sendable { case ok, refused, error, denied }

    public struct Reply: Sendable {
        public var status: Status
        public var text: String
        public init(_ status: Status, _ text: String) {
            self.status = status
            self.text = text
        }
    }

    /// The file, in the data directory, that holds the endpoint and the token.
    public static let fileName = "control"
    /// The ipc socket, in the data directory, that `--control-ipc` binds.
    public static let socketName = "control.ipc"
    /// The longest path an ipc endpoint may have (sun_path of a Unix socket, less its NUL).
    static let maxSocketPath = 107
    /// The largest request accepted, in bytes; a bigger one closes its connection (ZeroMQ's
    /// ZMQ_MAXMSGSIZE). A message of the longest text the protocol allows fits.
    public static let maxRequestBytes: Int64 = 131_072

    let socket: ZMQSocket
    public let endpoint: String
    private let token: [UInt8]
    private let file: String
    /// Refused requests (wrong token, malformed): the command line prints them.
    public var log: ((String) -> Void)?

    /// Binds the channel (on 127.0.0.1, or with `ipc` on `DATA/control.ipc`) and writes `DATA/control`.
    public init(dataDirectory: String, ipc: Bool = false) throws {
        let bind = try ipc ? Self.ipcEndpoint(dataDirectory: dataDirectory) : "tcp://127.0.0.1:*"
        socket = try ZMQSocket(context: try ZMQContext.shared(), type: ZMQ_REP)
        try socket.set(ZMQ_LINGER, int: 0)
        try socket.set(ZMQ_MAXMSGSIZE, int64: Self.maxRequestBytes)
        endpoint = try socket.bind(bind)
        var rng = SystemRandomNumberGenerator()
        token = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        file = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
        try Self.writePrivate("\(endpoint)\n\(Self.hex(token))\n", to: file)
    }

    deinit { close() }

    /// `ipc://DATA/control.ipc`, DATA made absolute (a runner started elsewhere reads the
    /// endpoint from `DATA/control`); an error when the path is too long for a Unix socket.
    static func ipcEndpoint(dataDirectory: String) throws -> String {
        var path = (dataDirectory as NSString).appendingPathComponent(socketName)
        if !path.hasPrefix("/") { path = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) }
        path = (path as NSString).standardizingPath
        guard path.utf8.count <= maxSocketPath else {
            throw StartupError("--control-ipc: \(path) is \(path.utf8.count) bytes, more than the \(maxSocketPath) a Unix socket's path may have; use a shorter --data")
        }
        return "ipc://" + path
    }

    /// Closes the socket and removes `DATA/control`.
    public func close() {
        socket.close()
        unlink(file)
    }

    /// Answers the request waiting, if there is one; false if none was waiting.
    public func answerWaiting(_ handle: (String) -> Reply) throws -> Bool {
        guard let frames = try socket.receive() else { return false }
        let reply: Reply
        if frames.count != 2 {
            reply = Reply(.error, "a request is two frames: the token and a command line")
        } else if !Self.same(frames[0], Array(Self.hex(token).utf8)) {
            reply = Reply(.denied, "wrong token")
        } else if let line = String(validating: frames[1], as: UTF8.self) {
            reply = handle(line)
        } else {
            reply = Reply(.error, "the command line is not UTF-8")
        }
        if reply.status == .denied || reply.status == .error { log?("control channel: refused a request: \(reply.text)") }
        try socket.send([Array(reply.status.rawValue.utf8), Array(reply.text.utf8)])
        return true
    }

    /// Whether `fd`, the runner's pipe (the node's stdin in `--control` mode), has reached
    /// its end: the runner is gone, and the node with it. Called when `fd` polls readable.
    static func lifelineEnded(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        return read(fd, &byte, 1) <= 0
    }

    /// Compares in time independent of where the first difference is.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Writes `text` to a new file readable by its owner only.
    static func writePrivate(_ text: String, to path: String) throws {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw StartupError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { Foundation.close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw StartupError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
