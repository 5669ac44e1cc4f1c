import ConfChatCore
import Testing

/// The registry keeps accounts, mailboxes and backups by a number a user (`AccountBook`),
/// numbered in the order its state first referred to each: a running registry as users come,
/// a restart in the order its store reads the rows back. What it holds, and what it answers,
/// must not depend on that order.
@Suite struct AccountBookTests {
    static func entry(_ peer: String, _ seq: UInt64, outgoing: Bool = true) -> BackupEntry {
        BackupEntry(peer: peer, outgoing: outgoing, seq: seq, body: Array("#\(seq)".utf8))
    }

    static let mutations: [RegistryMutation] = [
        .addAccount(name: "alice", hash: "h", endpoint: "inproc://alice", key: [1]),
        .addAccount(name: "bob", hash: "h", endpoint: "inproc://bob", key: [2]),
        .addAccount(name: "carol", hash: "h", endpoint: "inproc://carol", key: []),
        .addFriendship("alice", "bob"),
        .addMail(to: "carol", MailItem(from: "alice", seq: 1, body: [7])),
        .addBackup(user: "bob", entry("alice", 1, outgoing: false)),
        .addBackup(user: "alice", entry("bob", 1)),
        .addBackup(user: "alice", entry("dave", 2)),
    ]

    /// The same, in another order (each backup's entries, an ordered list, in theirs), so
    /// that every user gets another number.
    static let reordered: [RegistryMutation] = [mutations[6], mutations[7], mutations[5], mutations[4], mutations[3],
                                                mutations[2], mutations[1], mutations[0]]

    static func state(_ mutations: [RegistryMutation]) -> RegistryDurableState {
        var s = RegistryDurableState()
        for m in mutations { s.apply(m) }
        return s
    }

    @Test("states holding the same accounts, mail and backups are equal however their users were numbered")
    func equalAcrossNumberings() {
        let forward = Self.state(Self.mutations), backward = Self.state(Self.reordered)
        #expect(forward.users.number(of: "carol") != backward.users.number(of: "carol"))
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(backward.accounts["bob"]?.endpoint == "inproc://bob")
        #expect(backward.mailbox["carol"]?.map(\.seq) == [1])
        #expect(backward.backups["alice"]?.map(\.peer).sorted() == ["bob", "dave"])
        #expect(Self.state(Self.mutations.dropLast()) != backward)
    }

    @Test("a repeated BACKUP is recognised whatever the numbering, and kept once")
    func repeatedBackupKeptOnce() {
        var r = RegistryMachine(durable: Self.state(Self.reordered))
        #expect(r.handle(from: "alice", .backup(Self.entry("dave", 2))).isEmpty, "held already: nothing to write")
        let fresh = Self.entry("dave", 3)
        #expect(r.handle(from: "alice", .backup(fresh)) == [.persist(.addBackup(user: "alice", fresh))])
        #expect(r.durable.backups["alice"]?.count == 3)
        #expect(r.durable.backupMarks("alice") == [BackupMark(peer: "bob", outgoing: true, seq: 1, held: 1),
                                                   BackupMark(peer: "dave", outgoing: true, seq: 3, held: 2)])
    }

    @Test("who is online reads by name, and a logout of a stranger changes nothing")
    func onlineByName() {
        var r = RegistryMachine(durable: Self.state(Self.mutations))
        _ = r.handle(from: "carol", .login(req: 1, name: "carol", password: "pw", endpoint: "inproc://carol-2",
                                           wantBackup: false, key: []))
        _ = r.passwordChecked(1, .verified(true))
        #expect(r.online == ["carol": "inproc://carol-2"])
        _ = r.handle(from: "zed", .logout(req: 0))
        _ = r.handle(from: "dave", .logout(req: 0))
        #expect(r.online == ["carol": "inproc://carol-2"])
        #expect(r.handle(from: "carol", .ping).first == .send(.peer(name: "carol", endpoint: "inproc://carol-2"), .pong(known: true, news: 0)))
    }

    @Test("a login's marks of the mail it sent follow mail as it is added, taken and dropped, in recipient order")
    func mailMarksFollowTheMailboxes() {
        var s = Self.state(Self.reordered)
        s.apply(.addMail(to: "bob", MailItem(from: "alice", seq: 4, body: [1])))
        s.apply(.addMail(to: "bob", MailItem(from: "carol", seq: 1, body: [2])))
        s.apply(.addMail(to: "alice", MailItem(from: "carol", seq: 2, body: [3])))
        #expect(s.mailMarks(from: "alice") == [BackupMark(peer: "bob", outgoing: true, seq: 4),
                                              BackupMark(peer: "carol", outgoing: true, seq: 1)])
        #expect(s.mailMarks(from: "carol") == [BackupMark(peer: "alice", outgoing: true, seq: 2),
                                              BackupMark(peer: "bob", outgoing: true, seq: 1)])
        s.apply(.removeMail(to: "carol", from: "alice", upTo: 1))
        s.apply(.dropMail(to: "bob", from: "carol", seq: 1))
        #expect(s.mailMarks(from: "alice") == [BackupMark(peer: "bob", outgoing: true, seq: 4)])
        #expect(s.mailMarks(from: "carol") == [BackupMark(peer: "alice", outgoing: true, seq: 2)])
        s.apply(.removeMail(to: "bob", from: "alice", upTo: 9))
        s.apply(.addMail(to: "carol", MailItem(from: "alice", seq: 5, body: [4])))
        #expect(s.mailMarks(from: "alice") == [BackupMark(peer: "carol", outgoing: true, seq: 5)])
        #expect(s.mailbox.keys.sorted() == ["alice", "carol"])
    }

    /// The marks a login gave before they were kept as entries come: counted from the user's
    /// whole backup, an entry at a time.
    static func scannedMarks(_ s: RegistryDurableState, _ user: String) -> [BackupMark] {
        var top: [String: BackupMark] = [:]
        for e in s.backups[user] ?? [] {
            let key = (e.outgoing ? "out " : "in ") + e.peer
            let m = top[key] ?? BackupMark(peer: e.peer, outgoing: e.outgoing, seq: 0)
            top[key] = BackupMark(peer: e.peer, outgoing: e.outgoing, seq: max(m.seq, e.seq), held: m.held + 1)
        }
        return top.values.sorted { ($0.peer, $0.outgoing ? 1 : 0) < ($1.peer, $1.outgoing ? 1 : 0) }
    }

    /// `count` BACKUPs of alice's and bob's, each with one of four others in either direction,
    /// seqs in no order and many of them repeats (drawn by a fixed generator).
    static func manyBackups(count: Int) -> [RegistryMutation] {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return .addBackup(user: ["alice", "bob"][Int((x >> 60) & 1)],
                              entry(["bob", "carol", "dave", "erin"][Int((x >> 40) & 3)], (x >> 20) % 50 + 1, outgoing: (x >> 33) & 1 == 1))
        }
    }

    @Test("a login's backup marks, kept as entries come, are what counting the whole backup gives, after every entry and after a restart")
    func backupMarksKeptAsEntriesCome() {
        var s = Self.state(Self.mutations)
        let more = Self.manyBackups(count: 600)
        var wrong: [String] = []
        for (i, m) in more.enumerated() {
            s.apply(m)
            for user in ["alice", "bob"] where s.backupMarks(user) != Self.scannedMarks(s, user) { wrong.append("\(user) after \(i)") }
        }
        #expect(wrong == [])
        #expect(s.backupMarks("alice").count == 8, "both directions with bob, carol, dave and erin")
        #expect(s.backupMarks("alice").map(\.held).reduce(0, +) == UInt32(s.backups["alice"]!.count))
        #expect(s.backups["alice"]!.count + s.backups["bob"]!.count < more.count, "repeats were kept once")
        // A restart applies the stored mutations again, numbering users in another order.
        let restarted = Self.state(Self.reordered + more)
        for user in ["alice", "bob", "carol", "zed"] { #expect(restarted.backupMarks(user) == s.backupMarks(user)) }
        #expect(restarted.backupMarks("carol") == [])
    }
}
