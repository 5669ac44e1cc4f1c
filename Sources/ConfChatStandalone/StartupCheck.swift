import ConfChatCrypto
import ConfChatStorage
import Foundation

/// What `confchat peer` and `confchat registry` check before they start, so that a typo
/// is named at once instead of showing up later as a registry that "did not answer".
public enum StartupCheck {
    /// An endpoint a peer can connect to or a node can bind: `tcp://HOST:PORT` (PORT a
    /// number, or `*` when binding) or `ipc://PATH`. Returns the reason when it is not one.
    public static func endpointProblem(_ endpoint: String, binding: Bool) -> String? {
        let usage = binding ? "tcp://HOST:PORT (PORT * for any free one) or ipc://PATH" : "tcp://HOST:PORT or ipc://PATH"
        if endpoint.hasPrefix("ipc://") {
            return endpoint.count > "ipc://".count ? nil : "'\(endpoint)' names no path (\(usage))"
        }
        guard endpoint.hasPrefix("tcp://") else {
            let scheme = endpoint.range(of: "://").map { String(endpoint[..<$0.lowerBound]) }
            return "'\(endpoint)' is not an endpoint: \(scheme.map { "'\($0)' is not a transport here; " } ?? "")use \(usage)"
        }
        let rest = endpoint.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":"), colon != rest.startIndex else {
            return "'\(endpoint)' has no host and port (\(usage))"
        }
        let port = rest[rest.index(after: colon)...]
        if binding && port == "*" { return nil }
        guard let n = Int(port), (1...65535).contains(n) else {
            return "'\(endpoint)': the port '\(port)' is not a number from 1 to 65535 (\(usage))"
        }
        return nil
    }

    /// The registry's public key from `path` (as `confchat registry` writes registry.pub),
    /// or why it cannot be read.
    public static func registryKey(at path: String) -> Result<[UInt8], StartupError> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(StartupError("\(path) does not exist (the registry writes its key to registry.pub in its data directory)"))
        }
        if isDirectory.boolValue { return .failure(StartupError("\(path) is a directory, not a registry public key file (registry.pub)")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(StartupError("\(path) cannot be read: \(String(cString: strerror(EACCES)))"))
        }
        guard let text = String(data: data, encoding: .utf8), let key = NodeKeys.fromZ85(text) else {
            return .failure(StartupError("\(path) is not a registry public key file (40 characters of Z85, as written to registry.pub)"))
        }
        return .success(key)
    }
}

/// A reason a standalone process cannot start, in words.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension StartupError {
    /// Any error a node's start can throw, as one line: Foundation's file errors by their
    /// system reason rather than an `NSCocoaErrorDomain` dump.
    public static func describe(_ error: any Error) -> String {
        if error is StartupError || error is DataDirectoryError { return "\(error)" }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain {
            let path = (ns.userInfo[NSFilePathErrorKey] as? String).map { "\($0): " } ?? ""
            return path + DataDirectory.reason(error)
        }
        return "\(error)"
    }
}
