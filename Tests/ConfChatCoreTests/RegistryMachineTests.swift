import ConfChatCore
import Testing

/// The registry machine on its own: inputs in, effects out, checked one by one.
@Suite("Machines: registry")
struct RegistryMachineTests {
    /// A registry with accounts alice and bob (friends) and carol, nobody online.
    func registry() -> RegistryMachine {
        var d = RegistryDurableState()
        for n in ["alice", "bob", "carol"] {
            d.apply(.addAccount(name: n, hash: "hash:pw", endpoint: "inproc://\(n)", key: []))
        }
        d.apply(.addFriendship("alice", "bob"))
        return RegistryMachine(durable: d)
    }

    func sends(_ effects: [RegistryEffect]) -> [String] {
        effects.compactMap { if case let .send(to, m) = $0 { "\(to.name) \(m.kind.name)" } else { nil } }
    }

    @Test func pingFromAStrangerIsIgnoredAndFromAUserAnswered() {
        var r = registry()
        #expect(r.handleChecked(from: "zed", .ping) == [])
        #expect(r.handleChecked(from: "alice", .ping) == [.send(.peer(name: "alice", endpoint: "inproc://alice"), .pong(known: false, news: 0))])
        _ = r.handleChecked(from: "alice", .login(req: 1, name: "alice", password: "pw", endpoint: "inproc://alice", wantBackup: false, key: []))
        #expect(r.handleChecked(from: "alice", .ping) == [.send(.peer(name: "alice", endpoint: "inproc://alice"), .pong(known: true, news: 0))])
        _ = r.handleChecked(from: "alice", .logout(req: 0))
        #expect(r.online == [:])
    }

    @Test func depositIsStoredOnceAckedEachTimeAndPushedToAnOnlineRecipient() {
        var r = registry()
        let deposit = WireMessage.deposit(to: "bob", seq: 1, body: [0x68])
        let item = MailItem(from: "alice", seq: 1, body: [0x68])
        #expect(r.handleChecked(from: "alice", deposit) == [
            .persist(.addMail(to: "bob", item)),
            .send(.peer(name: "alice", endpoint: "inproc://alice"), .depositAck(to: "bob", seq: 1)),
        ])
        // A retried DEPOSIT is acknowledged again but stored once.
        _ = r.handleChecked(from: "alice", deposit)
        #expect(r.durable.mailbox["bob"] == [item])
        // With bob online, the mail is pushed to him at once.
        _ = r.handleChecked(from: "bob", .login(req: 1, name: "bob", password: "pw", endpoint: "inproc://bob", wantBackup: false, key: []))
        let effects = r.handleChecked(from: "alice", .deposit(to: "bob", seq: 2, body: [0x69]))
        #expect(sends(effects) == ["alice DEPOSIT-ACK", "bob MAILBOX"])
    }

    @Test func depositBetweenStrangersIsRefused() {
        var r = registry()
        #expect(r.handleChecked(from: "carol", .deposit(to: "bob", seq: 1, body: [])) == [.note("refused DEPOSIT from carol to bob: not friends")])
        #expect(r.durable.mailbox == [:])
    }

    @Test func mailboxAckRemovesOnlyThatSendersMailUpToTheSeq() {
        var r = registry()
        for seq: UInt64 in 1...3 { _ = r.handleChecked(from: "alice", .deposit(to: "bob", seq: seq, body: [])) }
        _ = r.handleChecked(from: "bob", .mailboxAck(from: "alice", upTo: 2))
        #expect(r.durable.mailbox["bob"]?.map(\.seq) == [3])
        #expect(r.handleChecked(from: "bob", .mailboxAck(from: "carol", upTo: 9)) == [], "nothing from carol: no change, nothing persisted")
        _ = r.handleChecked(from: "bob", .mailboxAck(from: "alice", upTo: 3))
        #expect(r.durable.mailbox["bob"] == nil)
    }

    @Test func backupIsKeptOncePerDirectionAndSeq() {
        var r = registry()
        let e = BackupEntry(peer: "bob", outgoing: true, seq: 1, body: [1])
        #expect(r.handleChecked(from: "alice", .backup(e)) == [.persist(.addBackup(user: "alice", e))])
        #expect(r.handleChecked(from: "alice", .backup(e)) == [])
        let incoming = BackupEntry(peer: "bob", outgoing: false, seq: 1, body: [2])
        _ = r.handleChecked(from: "alice", .backup(incoming))
        #expect(r.durable.backups["alice"] == [e, incoming])
        #expect(r.durable.backupMarks("alice") == [BackupMark(peer: "bob", outgoing: false, seq: 1, held: 1),
                                                       BackupMark(peer: "bob", outgoing: true, seq: 1, held: 1)])
        #expect(r.handleChecked(from: "zed", .backup(e)) == [], "no account, no backup")
    }

    @Test func loginReplySnapshot() {
        var r = registry()
        _ = r.handleChecked(from: "alice", .deposit(to: "bob", seq: 1, body: [7]))
        _ = r.handleChecked(from: "bob", .backup(BackupEntry(peer: "alice", outgoing: true, seq: 4, body: [8])))
        _ = r.handleChecked(from: "carol", .friendRequest(req: 1, to: "bob"))
        _ = r.handleChecked(from: "alice", .login(req: 1, name: "alice", password: "pw", endpoint: "inproc://alice-2", wantBackup: false, key: []))
        let effects = r.handleChecked(from: "bob", .login(req: 9, name: "bob", password: "pw", endpoint: "inproc://bob", wantBackup: true, key: []))
        #expect(effects == [.send(.peer(name: "bob", endpoint: "inproc://bob"), .loginReply(req: 9, snapshot: LoginSnapshot(
            friends: [FriendInfo(name: "alice", endpoint: "inproc://alice-2", online: true)],
            requests: ["carol"],
            mailbox: [MailItem(from: "alice", seq: 1, body: [7])],
            backup: [BackupEntry(peer: "alice", outgoing: true, seq: 4, body: [8])],
            backupMarks: [BackupMark(peer: "alice", outgoing: true, seq: 4, held: 1)],
            backupWaiting: BackupWaiting(next: 1, entries: 0))))])
        #expect(r.durable.accounts["alice"]?.endpoint == "inproc://alice-2")
    }

    /// A wiped peer logs in from the same endpoint with a new key: a fellow group member who
    /// is not a friend learns keys only from GROUP-UPDATE, and would otherwise seal mail to the
    /// lost key, mail that no longer opens.
    @Test func aNewKeyAtTheSameEndpointIsToldToFellowGroupMembersAndFriends() {
        var d = RegistryDurableState()
        for n in ["alice", "bob", "carol"] {
            d.apply(.addAccount(name: n, hash: "hash:pw", endpoint: "inproc://\(n)", key: Array(n.utf8)))
        }
        d.apply(.addFriendship("alice", "bob"))
        d.apply(.createGroup(name: "team", owner: "carol"))
        d.apply(.joinGroup(group: "team", member: "alice"))
        var r = RegistryMachine(durable: d)
        for n in ["bob", "carol"] {
            _ = r.handleChecked(from: n, .login(req: 1, name: n, password: "pw", endpoint: "inproc://\(n)", wantBackup: false, key: Array(n.utf8)))
        }
        let effects = r.handleChecked(from: "alice", .login(req: 2, name: "alice", password: "pw", endpoint: "inproc://alice",
                                                            wantBackup: true, key: [9, 9]))
        #expect(sends(effects) == ["carol GROUP-UPDATE", "bob FRIEND-ADDED", "alice LOGIN-REPLY"])
        #expect(r.durable.accounts["alice"]?.key == [9, 9])
    }

    @Test func unexpectedKindsAreNotedAndIgnored() {
        var r = registry()
        #expect(r.handleChecked(from: "alice", .chat(seq: 1, body: [])) == [.note("unexpected CHAT from alice")])
        #expect(r.handleChecked(from: "alice", .heartbeat) == [.note("unexpected HEARTBEAT from alice")])
    }

    @Test func requestsFromUnknownNamesAreIgnored() {
        var r = registry()
        #expect(r.handleChecked(from: "zed", .friendRequest(req: 1, to: "alice")) == [])
        #expect(r.handleChecked(from: "zed", .unfriend(req: 2, other: "alice")) == [])
        #expect(r.handleChecked(from: "zed", .createGroup(req: 3, group: "g")) == [])
        #expect(r.durable.requests == [:])
    }
}
