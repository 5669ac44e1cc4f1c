/// A REGISTER or a LOGIN: the two requests that name their account and cost a password hash.
///
/// Taken out of the `WireMessage` once, where the registry dispatches, so that what handles
/// it (`RegistryMachine.account`, and `finish` when the hash comes back) holds a value that
/// can be nothing else, instead of a message it must check again.
struct AccountRequest: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case register
        /// `wantBackup`: the peer has no local data and asks for its backup.
        case login(wantBackup: Bool)
    }

    var kind: Kind
    var req: UInt32
    var name: String
    var password: String
    var endpoint: String
    var key: [UInt8]

    /// The request a REGISTER or LOGIN makes; nil for any other message.
    init?(_ message: WireMessage) {
        switch message {
        case let .register(req, name, password, endpoint, key):
            self.init(kind: .register, req: req, name: name, password: password, endpoint: endpoint, key: key)
        case let .login(req, name, password, endpoint, wantBackup, key):
            self.init(kind: .login(wantBackup: wantBackup), req: req, name: name, password: password, endpoint: endpoint, key: key)
        default:
            return nil
        }
    }

    init(kind: Kind, req: UInt32, name: String, password: String, endpoint: String, key: [UInt8]) {
        self.kind = kind
        self.req = req
        self.name = name
        self.password = password
        self.endpoint = endpoint
        self.key = key
    }

    var isLogin: Bool { if case .login = kind { true } else { false } }
}
