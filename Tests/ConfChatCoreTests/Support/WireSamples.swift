import ConfChatCore
import Testing

/// At least one message of every kind, with the awkward values each field can hold: empty
/// and maximal strings, multi-byte UTF-8, zero and maximal integers, empty and full lists.
///
/// `WireCodecRoundTripTests` fails when a `MessageKind` has no sample here, so a new kind
/// cannot ship without being round-tripped (zyre's self-test habit).
enum WireSamples {
    /// A sample with a short name for test output (a 64 KiB body would otherwise be printed in full).
    struct Sample: CustomTestStringConvertible, Sendable {
        var index: Int
        var message: WireMessage
        var testDescription: String { "#\(index) \(message.kind.name)" }
    }

    static var named: [Sample] { all.enumerated().map { Sample(index: $0.offset, message: $0.element) } }

    static let emoji = "héllo 👋 世界"
    static let binary: [UInt8] = [0x00, 0xFF, 0xC3, 0x28, 0x0A]  // not UTF-8: bodies are opaque bytes
    static let longName = String(repeating: "n", count: 255)
    static let key32: [UInt8] = (0..<32).map { UInt8($0 * 7 & 0xFF) }

    static let all: [WireMessage] = [
        .register(req: 1, name: "alice", password: "s3cret", endpoint: "inproc://alice", key: []),
        .register(req: .max, name: "", password: "", endpoint: "", key: key32),
        .register(req: 0, name: longName, password: String(repeating: "p", count: WireCodec.maxPasswordSize), endpoint: longName,
                  key: [UInt8](repeating: 0xAB, count: 255)),
        .login(req: 2, name: "bob", password: emoji, endpoint: "tcp://127.0.0.1:5555", wantBackup: true, key: key32),
        .login(req: 3, name: "a-very-long-name-of-32-chars-xyz", password: "pw", endpoint: "ipc:///tmp/x/alice", wantBackup: false, key: []),
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
        .mailFetch(after: "", seq: 0),
        .mailFetch(after: "alice", seq: .max),
        .mailDrop(from: "alice", seq: 7),
        .backupFetch(req: 13, from: 0),
        .backupFetch(req: .max, from: 4_096),
        .backup(BackupEntry(peer: "bob", outgoing: true, seq: 3, body: binary)),
        .backup(BackupEntry(peer: "bob", outgoing: false, seq: 0, body: [], proof: [7, 7, 7])),
        .backup(BackupEntry(peer: "carol", outgoing: true, seq: 12, body: Array("g".utf8), group: "team")),
        .backups([BackupEntry(peer: "bob", outgoing: true, seq: 3, body: binary),
                  BackupEntry(peer: "carol", outgoing: false, seq: 12, body: [], group: "team", proof: [7, 7, 7])]),
        .ping,
        .createGroup(req: 20, group: "team"),
        .invite(req: 21, group: "team", member: "bob"),
        .joinGroup(req: 22, group: "team"),
        .leaveGroup(req: 23, group: "team"),
        .destroyGroup(req: 24, group: "team"),
        .groupDeposit(to: "bob", seq: 4, group: "team", body: Array("to all".utf8)),
        .groupDeposit(to: "bob", seq: .max, group: "team", body: []),
        .reply(req: 8, error: nil),
        .reply(req: 9, error: "the name 'alice' is taken"),
        .reply(req: 10, error: ""),
        .loginReply(req: 11, snapshot: LoginSnapshot()),
        .loginReply(req: 12, snapshot: LoginSnapshot(
            friends: [FriendInfo(name: "bob", endpoint: "inproc://bob", online: true, key: key32),
                      FriendInfo(name: "carol", endpoint: "", online: false)],
            requests: ["dave", "erin"],
            mailbox: [MailItem(from: "bob", seq: 1, body: Array(emoji.utf8)), MailItem(from: "bob", seq: 2, body: [], group: "team", proof: [9, 9])],
            backup: [BackupEntry(peer: "bob", outgoing: true, seq: 1, body: binary),
                     BackupEntry(peer: "carol", outgoing: false, seq: 7, body: Array("x".utf8), group: "team")],
            backupMarks: [BackupMark(peer: "bob", outgoing: true, seq: 1), BackupMark(peer: "carol", outgoing: false, seq: 7)],
            groups: [GroupInfo(name: "team", owner: "alice", members: [
                        FriendInfo(name: "alice", endpoint: "inproc://alice", online: true),
                        FriendInfo(name: "carol", endpoint: "", online: false)]),
                     GroupInfo(name: "empty", owner: "zed", members: [])],
            invitations: [GroupInvitation(group: "club", owner: "dave")],
            mailMarks: [BackupMark(peer: "bob", outgoing: true, seq: 4)],
            mailWaiting: MailWaiting(items: 298, octets: 17_880_000),
            backupWaiting: BackupWaiting(next: 2, entries: 70_000))),
        .backupPage(req: 14, waiting: .none, entries: []),
        .backupPage(req: 15, waiting: BackupWaiting(next: 4_098, entries: 65_902), entries: [
            BackupEntry(peer: "bob", outgoing: true, seq: 2, body: binary),
            BackupEntry(peer: "carol", outgoing: false, seq: 8, body: Array("y".utf8), group: "team", proof: [3, 3])]),
        .friendRequestNotice(from: "alice"),
        .friendAdded(FriendInfo(name: "bob", endpoint: "tcp://10.0.0.2:4000", online: true, key: key32)),
        .friendAdded(FriendInfo(name: "bob", endpoint: "", online: false)),
        .friendRemoved(name: "bob"),
        .depositAck(to: "bob", seq: 5),
        .mailbox([]),
        .mailbox([MailItem(from: "alice", seq: 1, body: Array("one".utf8)), MailItem(from: "carol", seq: 3, body: binary, group: "team")]),
        .mailPage(waiting: .none, items: []),
        .mailPage(waiting: MailWaiting(items: .max, octets: .max),
                  items: [MailItem(from: "alice", seq: 1, body: binary, proof: [UInt8](repeating: 0x5A, count: 16)),
                          MailItem(from: "carol", seq: 2, body: [], group: "team")]),
        .depositRefused(to: "bob", seq: 3, reason: "bob's mailbox is full"),
        .mailReturned(to: "bob", seq: 3),
        .pong(known: true, news: 0),
        .pong(known: false, news: 0),
        .groupInvite(group: "team", owner: "alice"),
        .groupUpdate(GroupInfo(name: "team", owner: "alice", members: [
            FriendInfo(name: "alice", endpoint: "inproc://alice", online: true),
            FriendInfo(name: "bob", endpoint: "inproc://bob", online: false)])),
        .groupRemoved(group: "team", reason: "alice destroyed it"),
        .groupRemoved(group: "team", reason: ""),
        .hello(endpoint: "inproc://alice", ack: 0, sent: 0, isReply: false),
        .hello(endpoint: "tcp://[::1]:9000", ack: .max, sent: 17, isReply: true),
        .heartbeat,
        .bye,
        .chat(seq: 1, body: Array(emoji.utf8)),
        .chat(seq: .max, body: [], proof: [UInt8](repeating: 0xA5, count: 16)),
        .chatAck(upTo: 0),
        .chatAck(upTo: 99),
        .groupChat(seq: 2, group: "team", body: Array(emoji.utf8)),
        .groupChat(seq: .max, group: "t", body: []),
        .skip(seq: 3),
        .history(first: 1, items: []),
        .history(first: 4, items: [HistoryItem(group: nil, body: Array("four".utf8)), HistoryItem(group: "team", body: []),
                                   HistoryItem(group: nil, body: binary)]),
    ]
}
