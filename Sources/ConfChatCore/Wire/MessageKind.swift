/// The one-byte kind that follows the signature and version in every frame.
/// Values are part of the protocol (docs/protocol.md); never renumber one.
public enum MessageKind: UInt8, CaseIterable, Sendable {
    case register = 0x01, login = 0x02, logout = 0x03, friendRequest = 0x04, friendAnswer = 0x05
    case unfriend = 0x06, deposit = 0x07, mailboxAck = 0x08, backup = 0x09, ping = 0x0A
    case createGroup = 0x0B, invite = 0x0C, joinGroup = 0x0D, leaveGroup = 0x0E, destroyGroup = 0x0F, groupDeposit = 0x10
    case mailFetch = 0x11, mailDrop = 0x12, backupFetch = 0x13, backups = 0x14
    case reply = 0x20, loginReply = 0x21, friendRequestNotice = 0x22, friendAdded = 0x23
    case friendRemoved = 0x24, depositAck = 0x25, mailbox = 0x26, pong = 0x27
    case groupInvite = 0x28, groupUpdate = 0x29, groupRemoved = 0x2A, mailPage = 0x2B, depositRefused = 0x2C
    case mailReturned = 0x2D, backupPage = 0x2E
    case hello = 0x40, heartbeat = 0x41, bye = 0x42, chat = 0x43, chatAck = 0x44, history = 0x45, groupChat = 0x46, skip = 0x47

    /// The name the trace and the docs use: `HELLO`, `CHAT-ACK`, ...
    public var name: String {
        switch self {
        case .register: "REGISTER"
        case .login: "LOGIN"
        case .logout: "LOGOUT"
        case .friendRequest: "FRIEND-REQUEST"
        case .friendAnswer: "FRIEND-ANSWER"
        case .unfriend: "UNFRIEND"
        case .deposit: "DEPOSIT"
        case .mailboxAck: "MAILBOX-ACK"
        case .backup: "BACKUP"
        case .ping: "PING"
        case .createGroup: "CREATE-GROUP"
        case .invite: "INVITE"
        case .joinGroup: "JOIN-GROUP"
        case .leaveGroup: "LEAVE-GROUP"
        case .destroyGroup: "DESTROY-GROUP"
        case .groupDeposit: "GROUP-DEPOSIT"
        case .mailFetch: "MAIL-FETCH"
        case .mailDrop: "MAIL-DROP"
        case .backupFetch: "BACKUP-FETCH"
        case .backups: "BACKUPS"
        case .reply: "REPLY"
        case .loginReply: "LOGIN-REPLY"
        case .friendRequestNotice: "FRIEND-REQUEST-NOTICE"
        case .friendAdded: "FRIEND-ADDED"
        case .friendRemoved: "FRIEND-REMOVED"
        case .depositAck: "DEPOSIT-ACK"
        case .mailbox: "MAILBOX"
        case .pong: "PONG"
        case .groupInvite: "GROUP-INVITE"
        case .groupUpdate: "GROUP-UPDATE"
        case .groupRemoved: "GROUP-REMOVED"
        case .mailPage: "MAIL-PAGE"
        case .depositRefused: "DEPOSIT-REFUSED"
        case .mailReturned: "MAIL-RETURNED"
        case .backupPage: "BACKUP-PAGE"
        case .hello: "HELLO"
        case .heartbeat: "HEARTBEAT"
        case .bye: "BYE"
        case .chat: "CHAT"
        case .chatAck: "CHAT-ACK"
        case .history: "HISTORY"
        case .groupChat: "GROUP-CHAT"
        case .skip: "SKIP"
        }
    }
}

extension WireMessage {
    public var kind: MessageKind {
        switch self {
        case .register: .register
        case .login: .login
        case .logout: .logout
        case .friendRequest: .friendRequest
        case .friendAnswer: .friendAnswer
        case .unfriend: .unfriend
        case .deposit: .deposit
        case .mailboxAck: .mailboxAck
        case .backup: .backup
        case .ping: .ping
        case .createGroup: .createGroup
        case .invite: .invite
        case .joinGroup: .joinGroup
        case .leaveGroup: .leaveGroup
        case .destroyGroup: .destroyGroup
        case .groupDeposit: .groupDeposit
        case .mailFetch: .mailFetch
        case .mailDrop: .mailDrop
        case .backupFetch: .backupFetch
        case .backups: .backups
        case .reply: .reply
        case .loginReply: .loginReply
        case .friendRequestNotice: .friendRequestNotice
        case .friendAdded: .friendAdded
        case .friendRemoved: .friendRemoved
        case .depositAck: .depositAck
        case .mailbox: .mailbox
        case .pong: .pong
        case .groupInvite: .groupInvite
        case .groupUpdate: .groupUpdate
        case .groupRemoved: .groupRemoved
        case .mailPage: .mailPage
        case .depositRefused: .depositRefused
        case .mailReturned: .mailReturned
        case .backupPage: .backupPage
        case .hello: .hello
        case .heartbeat: .heartbeat
        case .bye: .bye
        case .chat: .chat
        case .chatAck: .chatAck
        case .history: .history
        case .groupChat: .groupChat
        case .skip: .skip
        }
    }
}
