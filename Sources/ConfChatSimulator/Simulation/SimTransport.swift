import ConfChatScenario
import CZMQ
import Foundation

/// Endpoint naming for each transport, unique within the process and the machine.
///
/// inproc names carry a per-network prefix so several simulators can share the process's one
/// context; ipc socket files live in a short temporary folder (unix socket paths are limited
/// to about 107 bytes); tcp binds 127.0.0.1 port 0 and reads the real port back.
struct SimTransport {
    let kind: TransportKind
    let prefix: String
    let ipcDirectory: String?

    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    init(kind: TransportKind) throws {
        self.kind = kind
        let n = Self.lock.withLock { Self.counter += 1; return Self.counter }
        prefix = "sim\(getpid())-\(n)"
        if kind == .ipc {
            let dir = "/tmp/confchat-\(prefix)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            ipcDirectory = dir
        } else {
            ipcDirectory = nil
        }
    }

    /// What to bind for `node`. `previous` (the endpoint it had before a restart) is tried
    /// first, so friends' cached endpoints stay right where the transport allows.
    ///
    /// inproc and ipc names get a suffix from the second life on (`bob.2`): libzmq releases a
    /// closed socket's name asynchronously, so binding the old name again can fail for a moment.
    func bindCandidates(for node: String, previous: String?, life: Int) -> [String] {
        let name = life <= 1 ? node : "\(node).\(life)"
        switch kind {
        case .inproc: return ["inproc://\(prefix)/\(name)"]
        case .ipc: return ["ipc://\(ipcDirectory!)/\(name)"]
        case .tcp: return (previous.map { [$0] } ?? []) + ["tcp://127.0.0.1:*"]
        }
    }

    func cleanUp() {
        if let ipcDirectory { try? FileManager.default.removeItem(atPath: ipcDirectory) }
    }
}
