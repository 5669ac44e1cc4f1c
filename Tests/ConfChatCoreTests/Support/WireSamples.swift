import ConfChatCore

/// At least one message of every kind, with the awkward values each field can hold: empty
/// and maximal strings, multi-byte UTF-8, zero and maximal integers, empty and full lists.
///
/// `WireCodecRoundTripTests` fails when a `MessageKind` has no sample here, so a new kind
/// cannot ship without being round-tripped (zyre's self-test habit).
enum WireSamples {
    static let emoji = "héllo 👋 世界"
    static let binary: [UInt8] = [0x00, 0xFF, 0xC3, 0x28, 0x0A]  // not UTF-8: bodies are opaque bytes
    static let longName = String(repeating: "n", count: 255)

    static let all: [WireMessage] = [
        .register(req: 1, password: "s3cret", endpoint: "inproc://alice"),
        .register(req: .max, password: "", endpoint: ""),
        .register(req: 0, password: String(repeating: "p", count: WireCodec.maxPasswordSize), endpoint: longName),
        .login(req: 2, password: emoji, endpoint: "tcp://127.0.0.1:5555", wantBackup: true),
        .login(req: 3, password: "pw", endpoint: "ipc:///tmp/x/alice", wantBackup: false),
        .logout(req: 0),
        .logout(req: 0xDEAD_BEEF),
        .friendRequest(req: 4, to: "bob"),
        .friendAnswer(req: 5, to: "carol", accept: true),
        .friendAnswer(req: 6, to: "dave", accept: false),
        .unfriend(req: 7, other: "erin"),
        .deposit(to: "bob", seq: 1, body: Array("hi".utf8)),
        .deposit(to: "bob", seq: .max, body: []),
        .deposit(to: "bob", seq: 9, body: [UInt8](repeating: 0x41, count: WireCodec.maxBodySize)),
        .mailboxAck(from: "alice", upTo: 42),
        .backup(BackupEntry(peer: "bob", outgoing: true, seq: 3, body: binary)),
        .backup(BackupEntry(peer: "bob", outgoing: false, seq: 0, body: [])),
        .ping,
        .reply(req: 8, error: nil),
        .reply(req: 9, error: "the name 'alice' is taken"),
        .reply(req: 10, error: ""),
        .loginReply(req: 11, snapshot: LoginSnapshot()),
        .loginReply(req: 12, snapshot: LoginSnapshot(
            friends: [FriendInfo(name: "bob", endpoint: "inproc://bob", online: true),
                      FriendInfo(name: "carol", endpoint: "", online: false)],
            requests: ["dave", "erin"],
            mailbox: [MailItem(from: "bob", seq: 1, body: Array(emoji.utf8)), MailItem(from: "bob", seq: 2, body: [])],
            backup: [BackupEntry(peer: "bob", outgoing: true, seq: 1, body: binary),
                     BackupEntry(peer: "carol", outgoing: false, seq: 7, body: Array("x".utf8))],
            backupMarks: [BackupMark(peer: "bob", outgoing: true, seq: 1), BackupMark(peer: "carol", outgoing: false, seq: 7)])),
        .friendRequestNotice(from: "alice"),
        .friendAdded(FriendInfo(name: "bob", endpoint: "tcp://10.0.0.2:4000", online: true)),
        .friendAdded(FriendInfo(name: "bob", endpoint: "", online: false)),
        .friendRemoved(name: "bob"),
        .depositAck(to: "bob", seq: 5),
        .mailbox([]),
        .mailbox([MailItem(from: "alice", seq: 1, body: Array("one".utf8)), MailItem(from: "carol", seq: 3, body: binary)]),
        .pong(known: true),
        .pong(known: false),
        .hello(endpoint: "inproc://alice", ack: 0, sent: 0, isReply: false),
        .hello(endpoint: "tcp://[::1]:9000", ack: .max, sent: 17, isReply: true),
        .heartbeat,
        .bye,
        .chat(seq: 1, body: Array(emoji.utf8)),
        .chat(seq: .max, body: []),
        .chatAck(upTo: 0),
        .chatAck(upTo: 99),
        .history(first: 1, bodies: []),
        .history(first: 4, bodies: [Array("four".utf8), [], binary]),
    ]
}
