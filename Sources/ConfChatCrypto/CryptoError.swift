/// Why a node's key pair could not be loaded or kept: the crypto module's own error, naming
/// the key file it is about.
public enum CryptoError: Error, CustomStringConvertible {
    /// `curve.key` exists but does not hold two Z85 keys.
    case notAKeyFile(path: String)
    /// A new key pair could not be written: a key that is not on disk would be a new
    /// identity at every start, so the node does not go on.
    case cannotWriteKeyFile(path: String)

    public var description: String {
        switch self {
        case let .notAKeyFile(path): "\(path) is not a conf-chat key file"
        case let .cannotWriteKeyFile(path): "cannot write the key file \(path)"
        }
    }
}
