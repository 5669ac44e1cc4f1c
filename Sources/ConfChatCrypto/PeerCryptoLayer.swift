import ConfChatCore

/// The encryption between a peer's machine and the wire, in the shell: the machine deals in
/// plain bodies; what leaves for the registry is sealed or encrypted, and what comes back is
/// opened. The registry's data directory therefore never holds a readable message body:
/// mailbox bodies are sealed to the recipient's public key, backup bodies encrypted with a
/// key derived from the user's password.
public final class PeerCryptoLayer {
    public let user: String
    /// The node's key pair. It changes only when the node loses its data directory (a wipe),
    /// where a standalone peer's key file lives: mail sealed to the old pair then no longer opens.
    public var keys: NodeKeys
    private let sealer: MessageSealer
    public var log: ((String) -> Void)?
    /// The password the backup key comes from, as the peer's machine holds it now
    /// (`PeerMachine.password`: the session's, or that of a login under way, whose reply
    /// carries the backup). Read there, the one place, not off the user's commands: the key
    /// then follows what the machine did with the command, whoever ran it and however the
    /// wait for it ended. The node sets it once, when it builds the machine.
    public var password: () -> String? = { nil }
    /// The last key derived, with its password (an Argon2id derivation: once a login).
    private var derived: (password: String, key: [UInt8])?

    public init(user: String, keys: NodeKeys, sealer: MessageSealer) {
        self.user = user
        self.keys = keys
        self.sealer = sealer
    }

    /// The backup key, nil while the machine knows no password (logged out, no login under way)
    /// and no session's key is still in use. A logout's own batch is the one exception: the
    /// machine ends its session as it deposits what its friends have not confirmed, and each
    /// deposit's backup entry (`PeerMachine.mail`) goes out just before LOGOUT, which drops
    /// the key (`outbound`).
    private func backupKey() -> [UInt8]? {
        guard let password = password() else { return derived?.key }
        if let d = derived, d.password == password { return d.key }
        let key = sealer.backupKey(user: user, password: password)
        derived = (password, key)
        return key
    }

    /// What becomes of a message on its way out.
    public enum Outbound: Hashable, Sendable {
        /// Not the layer's to change: it leaves as it came. Said without the message, which
        /// `.ready(m)` copied (a retain and a release of each of its fields) for every CHAT and
        /// CHAT-ACK.
        case unchanged
        /// Ready for the wire: mail sealed, a backup entry encrypted.
        case ready(WireMessage)
        /// Not sent: the layer cannot protect it.
        case withheld(Withheld)
    }

    /// Why a message was not sent. The machine's retries bring it back later.
    public enum Withheld: Hashable, Sendable, CustomStringConvertible {
        /// Mail for a user whose public key this peer does not know: it cannot be sealed.
        case noKey(user: String)
        /// A backup entry before a login gave the password its key comes from.
        case noBackupKey

        public var description: String {
            switch self {
            case let .noKey(user): "no key for \(user): mail not sent"
            case .noBackupKey: "no backup key before login: backup entry not sent"
            }
        }
    }

    /// A message on its way out. `keyOf` gives a user's public key, as this peer knows it.
    /// Its cases are the one list of the kinds the layer acts on: mail, backup entries, and
    /// LOGOUT (which leaves as it is, and drops the backup key). Inlined into its caller, so
    /// that a message it leaves alone costs the switch and nothing more (as a call, about 70
    /// instructions a CHAT or CHAT-ACK: the call, the `Outbound` returned and destroyed).
    @inline(__always)
    public func outbound(_ m: WireMessage, keyOf: (String) -> [UInt8]?) -> Outbound {
        switch m {
        case let .deposit(to, seq, body, proof):
            guard let k = keyOf(to), !k.isEmpty else { return .withheld(.noKey(user: to)) }
            return .ready(.deposit(to: to, seq: seq, body: sealer.seal(body, to: k), proof: proof))
        case let .groupDeposit(to, seq, group, body, proof):
            guard let k = keyOf(to), !k.isEmpty else { return .withheld(.noKey(user: to)) }
            return .ready(.groupDeposit(to: to, seq: seq, group: group, body: sealer.seal(body, to: k), proof: proof))
        case var .backup(entry):
            guard let key = backupKey() else { return .withheld(.noBackupKey) }
            entry.body = sealer.encrypt(entry.body, key: key)
            return .ready(.backup(entry))
        case var .backups(entries):
            // Each body encrypted on its own: the registry stores and pages entries one by one.
            guard let key = backupKey() else { return .withheld(.noBackupKey) }
            for k in entries.indices { entries[k].body = sealer.encrypt(entries[k].body, key: key) }
            return .ready(.backups(entries))
        case .logout:
            derived = nil
            return .unchanged
        default:
            return .unchanged
        }
    }

    /// Whether a message from `sender` goes to the machine as it came: only the registry's
    /// carry sealed mail and encrypted backups. For such a message `inputs` gives just
    /// `.received(from: sender, m)`, and a caller handling every message may skip that array.
    public static func passesThrough(from sender: String) -> Bool { sender != PeerName.registry }

    /// A received message as the machine's inputs. From a peer: the message as it is. From the
    /// registry: sealed mail opened, backup entries decrypted; each mail item that does not
    /// open (garbage, or sealed to a key we no longer have) becomes an `.unopenedMail` input
    /// ahead of the message, so the machine has the registry delete it before it asks for
    /// more: otherwise it would be offered for ever.
    public func inputs(from sender: String, _ m: WireMessage) -> [PeerMachine.Input] {
        guard !Self.passesThrough(from: sender) else { return [.received(from: sender, m)] }
        var unopened: [PeerMachine.Input] = []
        func openAll(_ items: [MailItem]) -> [MailItem] {
            items.compactMap { item in
                guard let opened = open(item) else {
                    unopened.append(.unopenedMail(from: item.from, seq: item.seq))
                    return nil
                }
                return opened
            }
        }
        let message: WireMessage
        switch m {
        case let .mailbox(items):
            message = .mailbox(openAll(items))
        case let .mailPage(waiting, items):
            message = .mailPage(waiting: waiting, items: openAll(items))
        case .loginReply(let req, var snapshot):
            snapshot.mailbox = openAll(snapshot.mailbox)
            snapshot.backup = decryptAll(snapshot.backup)
            message = .loginReply(req: req, snapshot: snapshot)
        case let .backupPage(req, waiting, entries):
            message = .backupPage(req: req, waiting: waiting, entries: decryptAll(entries))
        default:
            message = m
        }
        return unopened + [.received(from: PeerName.registry, message)]
    }

    /// Backup entries with their bodies decrypted; one that does not decrypt is dropped (and
    /// logged), the rest are used.
    private func decryptAll(_ entries: [BackupEntry]) -> [BackupEntry] {
        let key = backupKey()
        return entries.compactMap { e in
            guard let key, let body = sealer.decrypt(e.body, key: key) else {
                log?("dropped a backup entry that does not decrypt")
                return nil
            }
            var e = e
            e.body = body
            return e
        }
    }

    private func open(_ item: MailItem) -> MailItem? {
        guard let body = sealer.open(item.body, with: keys) else { return nil }
        var item = item
        item.body = body
        return item
    }
}
