/// Every message that travels between conf-chat nodes. `docs/protocol.md` is its specification.
///
/// The sender is never a field: it is the transport's identity of the connection (the ZeroMQ
/// routing id, authenticated by CURVE over tcp). Requests to the registry carry a `req` number
/// that the reply echoes, so a peer can have several requests outstanding.
public enum WireMessage: Hashable, Sendable {
    // peer -> registry
    /// `key`: the peer's public key (Curve25519, 32 bytes): what CURVE authenticates it by and
    /// what mail to it is sealed to. Empty where keys are not in use.
    /// `name`: the account asked for. The only messages that name their sender: the password
    /// (and, for a new account, the name being free) is what proves the claim.
    case register(req: UInt32, name: String, password: String, endpoint: String, key: [UInt8])
    case login(req: UInt32, name: String, password: String, endpoint: String, wantBackup: Bool, key: [UInt8])
    case logout(req: UInt32)
    case friendRequest(req: UInt32, to: String)
    case friendAnswer(req: UInt32, to: String, accept: Bool)
    case unfriend(req: UInt32, other: String)
    /// `proof`: as in CHAT; the registry keeps it with the mail item.
    case deposit(to: String, seq: UInt64, body: [UInt8], proof: [UInt8] = [])
    case mailboxAck(from: String, upTo: UInt64)
    case backup(BackupEntry)
    case ping
    case createGroup(req: UInt32, group: String)
    case invite(req: UInt32, group: String, member: String)
    case joinGroup(req: UInt32, group: String)
    case leaveGroup(req: UInt32, group: String)
    case destroyGroup(req: UInt32, group: String)
    /// A DEPOSIT of a group message.
    case groupDeposit(to: String, seq: UInt64, group: String, body: [UInt8], proof: [UInt8] = [])
    /// Asks for the next page of our mail: the items after (`after`, `seq`) in (sender, seq)
    /// order. ("", 0) asks from the start.
    case mailFetch(after: String, seq: UInt64)
    /// Mail item (`from`, `seq`) does not open with our key: the registry deletes it.
    case mailDrop(from: String, seq: UInt64)
    /// Asks for the page of our backup that starts at entry `from` of the registry's list (the
    /// `next` of the LOGIN-REPLY or BACKUP-PAGE before): a wiped peer's backup comes in pages.
    case backupFetch(req: UInt32, from: UInt32)
    /// Several backup entries in one frame, each as a BACKUP would carry it, handled in order
    /// as one input: what a peer sends when entries already wait together (never a wait to
    /// gather them). 1 to `WireCodec.maxBackupsEntries` entries, in a request frame.
    case backups([BackupEntry])

    // registry -> peer
    case reply(req: UInt32, error: String?)
    case loginReply(req: UInt32, snapshot: LoginSnapshot)
    case friendRequestNotice(from: String)
    case friendAdded(FriendInfo)
    case friendRemoved(name: String)
    case depositAck(to: String, seq: UInt64)
    case mailbox([MailItem])
    /// `news`: how many news messages (`isNews`) the registry sent X since X's last LOGIN;
    /// a peer that counted fewer (or more) missed something, and logs in again for a fresh view.
    case pong(known: Bool, news: UInt32)
    case groupInvite(group: String, owner: String)
    /// The group's owner and members as they are now, sent to every member on each change.
    case groupUpdate(GroupInfo)
    case groupRemoved(group: String, reason: String)
    /// A page of the recipient's mail, in (sender, seq) order, and what still waits after it.
    case mailPage(waiting: MailWaiting, items: [MailItem])
    /// The registry did not take DEPOSIT / GROUP-DEPOSIT (`to`, `seq`), for `reason` (a full
    /// mailbox): the sender keeps the message and tries again later.
    case depositRefused(to: String, seq: UInt64, reason: String)
    /// `to` could not open our mail `seq` (sealed to a key it no longer has: a wipe) and had
    /// the registry delete it (MAIL-DROP): the sender no longer counts it as deposited, and
    /// deposits it again at its next retry, sealed to the key it knows then.
    case mailReturned(to: String, seq: UInt64)
    /// The answer to BACKUP-FETCH `req`: a page of the backup, and where the next starts.
    case backupPage(req: UInt32, waiting: BackupWaiting, entries: [BackupEntry])

    // peer <-> peer
    /// `ack`: highest seq held from the receiver; `sent`: highest seq sent to the receiver.
    /// Each side learns from the other's HELLO what it lost (a wipe) and fills the gap.
    case hello(endpoint: String, ack: UInt64, sent: UInt64, isReply: Bool)
    case heartbeat
    case bye
    /// `proof`: the sender's proof (`MessageProver`), kept by the receiver for HISTORY; may be empty.
    case chat(seq: UInt64, body: [UInt8], proof: [UInt8] = [])
    case chatAck(upTo: UInt64)
    /// A group message: shares the pair's sequence with CHAT.
    case groupChat(seq: UInt64, group: String, body: [UInt8], proof: [UInt8] = [])
    /// Messages the receiver sent to us, seq `first`, `first + 1`, ...: returned to a peer whose
    /// own copy was lost (wiped), so its sent history and its sequence numbers come back.
    case history(first: UInt64, items: [HistoryItem])
    /// Seq `seq` of ours is lost for good (it was only in a wiped data directory, and the
    /// receiver does not hold it either): take it as a placeholder, so what follows it is not
    /// held back forever. Never shown.
    case skip(seq: UInt64)
}

/// A friend as the registry describes it: where to reach them and whether they are logged in.
public struct FriendInfo: Hashable, Sendable {
    public var name: String
    public var endpoint: String
    public var online: Bool
    /// The user's public key, as the registry knows it (empty if none).
    public var key: [UInt8]
    public init(name: String, endpoint: String, online: Bool, key: [UInt8] = []) {
        self.name = name
        self.endpoint = endpoint
        self.online = online
        self.key = key
    }
}

/// A message waiting in the registry's mailbox for an offline recipient.
public struct MailItem: Hashable, Sendable {
    public var from: String
    public var seq: UInt64
    public var body: [UInt8]
    public var group: String?
    /// The sender's proof (`MessageProver`), as its DEPOSIT carried it.
    public var proof: [UInt8]
    public init(from: String, seq: UInt64, body: [UInt8], group: String? = nil, proof: [UInt8] = []) {
        self.proof = proof
        self.from = from
        self.seq = seq
        self.body = body
        self.group = group
    }
}

/// How much mail still waits at the registry after the items of a page: the peer fetches
/// the rest with MAIL-FETCH, one page at a time.
public struct MailWaiting: Hashable, Sendable {
    public var items: UInt32
    public var octets: UInt64
    public static let none = MailWaiting(items: 0, octets: 0)
    public init(items: UInt32, octets: UInt64) {
        self.items = items
        self.octets = octets
    }
}

/// Where a page of the backup ends in the registry's list of a user's entries (kept in the
/// order it took them, never reordered), and how many entries still follow. `next` counts
/// what was sent, not what the peer kept (an entry that does not decrypt is dropped), so the
/// peer asks for the next page from it.
public struct BackupWaiting: Hashable, Sendable {
    /// The index of the first entry after this page: the `from` of the next BACKUP-FETCH.
    public var next: UInt32
    /// Entries after this page.
    public var entries: UInt32
    public static let none = BackupWaiting(next: 0, entries: 0)
    public init(next: UInt32, entries: UInt32) {
        self.next = next
        self.entries = entries
    }
}

/// One message of a HISTORY: its group (nil for one-to-one), body, and the proof it came with.
public struct HistoryItem: Hashable, Sendable {
    public var group: String?
    public var body: [UInt8]
    public var proof: [UInt8]
    public init(group: String?, body: [UInt8], proof: [UInt8] = []) {
        self.group = group
        self.body = body
        self.proof = proof
    }
}

/// A group as the registry describes it.
public struct GroupInfo: Hashable, Sendable {
    public var name: String
    public var owner: String
    /// Members with their last known endpoints, sorted by name; the owner is one of them.
    public var members: [FriendInfo]
    public init(name: String, owner: String, members: [FriendInfo]) {
        self.name = name
        self.owner = owner
        self.members = members
    }
}

/// An invitation waiting for `join`.
public struct GroupInvitation: Hashable, Sendable {
    public var group: String
    public var owner: String
    public init(group: String, owner: String) {
        self.group = group
        self.owner = owner
    }
}

/// One message of a user's own conversations, kept by the registry so a wiped peer gets it back.
public struct BackupEntry: Hashable, Sendable {
    public var peer: String
    public var outgoing: Bool
    public var seq: UInt64
    public var body: [UInt8]
    public var group: String?
    /// For a received message, the sender's proof, so that a restored peer can still give the
    /// message back to its sender (HISTORY). Empty for sent messages.
    public var proof: [UInt8]
    public init(peer: String, outgoing: Bool, seq: UInt64, body: [UInt8], group: String? = nil, proof: [UInt8] = []) {
        self.proof = proof
        self.peer = peer
        self.outgoing = outgoing
        self.seq = seq
        self.body = body
        self.group = group
    }
}

/// What the registry tells a peer at login: its friends, requests, mail, and (after a wipe) the
/// first page of its backup.
public struct LoginSnapshot: Hashable, Sendable {
    public var friends: [FriendInfo]
    public var requests: [String]
    public var mailbox: [MailItem]
    public var backup: [BackupEntry]
    /// The highest seq the registry's backup holds for each conversation of this user, so the
    /// peer can send what the backup missed while the registry was down.
    public var backupMarks: [BackupMark]
    public var groups: [GroupInfo]
    public var invitations: [GroupInvitation]
    /// This user's messages waiting in the registry's mailbox, as (recipient, seq): a peer
    /// restored after a wipe neither reuses nor skips a seq that is still in the mail.
    public var mailMarks: [BackupMark]
    /// The mail still waiting after the first page (`mailbox`).
    public var mailWaiting: MailWaiting
    /// The backup after its first page (`backup`): the peer fetches it with BACKUP-FETCH.
    public var backupWaiting: BackupWaiting
    public init(friends: [FriendInfo] = [], requests: [String] = [], mailbox: [MailItem] = [], backup: [BackupEntry] = [],
                backupMarks: [BackupMark] = [], groups: [GroupInfo] = [], invitations: [GroupInvitation] = [],
                mailMarks: [BackupMark] = [], mailWaiting: MailWaiting = .none, backupWaiting: BackupWaiting = .none) {
        self.backupWaiting = backupWaiting
        self.mailWaiting = mailWaiting
        self.mailMarks = mailMarks
        self.groups = groups
        self.invitations = invitations
        self.friends = friends
        self.requests = requests
        self.mailbox = mailbox
        self.backup = backup
        self.backupMarks = backupMarks
    }
}

/// How far the registry's backup of one conversation direction goes (LOGIN-REPLY's backup
/// marks), or one of the user's messages still in a mailbox (its mail marks).
public struct BackupMark: Hashable, Sendable {
    public var peer: String
    public var outgoing: Bool
    public var seq: UInt64
    /// In a backup mark, how many entries the backup holds for the direction (all at or
    /// below `seq`): a peer that holds more up to `seq` knows a BACKUP was lost below it.
    /// Not sent in a mail mark (0).
    public var held: UInt32
    public init(peer: String, outgoing: Bool, seq: UInt64, held: UInt32 = 0) {
        self.peer = peer
        self.outgoing = outgoing
        self.seq = seq
        self.held = held
    }
}

extension WireMessage {
    /// The `req` of a request to the registry (LOGOUT's is 0); nil for every other message.
    public var requestNumber: UInt32? {
        switch self {
        case let .register(req, _, _, _, _), let .login(req, _, _, _, _, _), let .logout(req), let .friendRequest(req, _),
             let .friendAnswer(req, _, _), let .unfriend(req, _), let .createGroup(req, _), let .invite(req, _, _),
             let .joinGroup(req, _), let .leaveGroup(req, _), let .destroyGroup(req, _):
            req
        default: nil
        }
    }
}

extension WireMessage {
    /// What the registry pushes to tell a peer of a change (a friend request, a friendship, a
    /// group): counted on both sides (PONG `news`), so that one lost on the way is noticed.
    public var isNews: Bool {
        switch self {
        case .friendRequestNotice, .friendAdded, .friendRemoved, .groupInvite, .groupUpdate, .groupRemoved, .mailReturned: true
        default: false
        }
    }
}
