import ConfChatCore

/// A mutation as the run log holds it: written when a node commits, read back when the log
/// is checkpointed into the node's database or replayed at its restart (`RunLog`). Every
/// field is kept, so what comes back is the value that went in.
package protocol LogCodable {
    func encode(into e: inout LogEncoder)
    static func decode(from d: inout LogDecoder) throws(RunLogError) -> Self
}

extension ChatRecord {
    fileprivate func encode(into e: inout LogEncoder) {
        e.string(peer); e.bool(outgoing); e.u64(seq); e.data(body); e.optionalString(group)
        e.u8(kind == .message ? 0 : kind == .discarded ? 1 : 2)
        e.data(proof)
    }

    fileprivate static func decode(from d: inout LogDecoder) throws(RunLogError) -> ChatRecord {
        let f = try LoggedChatRecord(from: &d)
        return ChatRecord(peer: String(decoding: f.peer, as: UTF8.self), outgoing: f.outgoing, seq: f.seq, body: Array(f.body),
                          group: f.group.map { String(decoding: $0, as: UTF8.self) }, kind: f.kind, proof: Array(f.proof))
    }
}

/// A `ChatRecord` as the log holds it, its fields borrowed from the record's bytes: what the
/// checkpoint binds to a message row (`SQLitePeerStore.apply(records:)`) and what
/// `ChatRecord.decode` copies into the value, so the layout is read in one place.
struct LoggedChatRecord {
    let peer: UnsafeRawBufferPointer
    let outgoing: Bool
    let seq: UInt64
    let body: UnsafeRawBufferPointer
    let group: UnsafeRawBufferPointer?
    let kind: ChatRecord.Kind
    let proof: UnsafeRawBufferPointer

    init(from d: inout LogDecoder) throws(RunLogError) {
        peer = try d.field(); outgoing = try d.bool(); seq = try d.u64(); body = try d.field(); group = try d.optionalField()
        switch try d.u8() {
        case 0: kind = .message
        case 1: kind = .discarded
        case 2: kind = .skipped
        case let k: throw .corrupt("a record of kind \(k)")
        }
        proof = try d.field()
    }
}

/// A registry's `BackupEntry` as the log holds it (`RegistryMutation.addBackup`), with its
/// user, fields borrowed from the record's bytes: the checkpoint's backup row
/// (`SQLiteRegistryStore.apply(records:)`) and the decoded value read it the same way.
struct LoggedBackup {
    let user: UnsafeRawBufferPointer
    let peer: UnsafeRawBufferPointer
    let outgoing: Bool
    let seq: UInt64
    let body: UnsafeRawBufferPointer
    let group: UnsafeRawBufferPointer?
    let proof: UnsafeRawBufferPointer

    init(from d: inout LogDecoder) throws(RunLogError) {
        user = try d.field(); peer = try d.field(); outgoing = try d.bool(); seq = try d.u64(); body = try d.field()
        group = try d.optionalField(); proof = try d.field()
    }
}

/// The tags of the mutations the checkpoint binds from the log's bytes.
enum LogTag {
    static let peerStore: UInt8 = 5, peerRestore: UInt8 = 6, peerMarkAcked: UInt8 = 7, peerResetAcked: UInt8 = 8
    static let registryAddBackup: UInt8 = 9
}

extension PeerMutation: LogCodable {
    package func encode(into e: inout LogEncoder) {
        switch self {
        case let .setCredentials(hash): e.u8(0); e.string(hash)
        case let .setFriend(name, endpoint): e.u8(1); e.string(name); e.string(endpoint)
        case let .removeFriend(name): e.u8(2); e.string(name)
        case let .addRequest(name): e.u8(3); e.string(name)
        case let .removeRequest(name): e.u8(4); e.string(name)
        case let .store(r): e.u8(LogTag.peerStore); r.encode(into: &e)
        case let .restore(r): e.u8(LogTag.peerRestore); r.encode(into: &e)
        case let .markAcked(peer, upTo): e.u8(LogTag.peerMarkAcked); e.string(peer); e.u64(upTo)
        case let .resetAcked(peer, to): e.u8(LogTag.peerResetAcked); e.string(peer); e.u64(to)
        case let .setGroup(g):
            e.u8(9); e.string(g.name); e.string(g.owner); e.u32(UInt32(g.members.count))
            for m in g.members { e.string(m.name); e.string(m.endpoint); e.bool(m.online); e.data(m.key) }
        case let .setKey(name, key): e.u8(10); e.string(name); e.data(key)
        case let .markUnsynced(names): e.u8(11); e.u32(UInt32(names.count)); for n in names { e.string(n) }
        case let .markSynced(name): e.u8(12); e.string(name)
        case let .overwrite(r): e.u8(13); r.encode(into: &e)
        case let .queue(peer, item): e.u8(14); e.string(peer); e.optionalString(item.group); e.data(item.body); e.data(item.proof)
        case let .dequeue(peer): e.u8(15); e.string(peer)
        case let .reserve(peer, seq): e.u8(16); e.string(peer); e.u64(seq)
        case let .removeGroup(name): e.u8(17); e.string(name)
        case let .addInvitation(inv): e.u8(18); e.string(inv.group); e.string(inv.owner)
        case let .removeInvitation(group): e.u8(19); e.string(group)
        }
    }

    package static func decode(from d: inout LogDecoder) throws(RunLogError) -> PeerMutation { try decode(tag: try d.u8(), from: &d) }

    /// The mutation whose tag is read already.
    static func decode(tag: UInt8, from d: inout LogDecoder) throws(RunLogError) -> PeerMutation {
        switch tag {
        case 0: return .setCredentials(hash: try d.string())
        case 1: return .setFriend(name: try d.string(), endpoint: try d.string())
        case 2: return .removeFriend(try d.string())
        case 3: return .addRequest(try d.string())
        case 4: return .removeRequest(try d.string())
        case LogTag.peerStore: return .store(try ChatRecord.decode(from: &d))
        case LogTag.peerRestore: return .restore(try ChatRecord.decode(from: &d))
        case LogTag.peerMarkAcked: return .markAcked(peer: try d.string(), upTo: try d.u64())
        case LogTag.peerResetAcked: return .resetAcked(peer: try d.string(), to: try d.u64())
        case 9:
            let name = try d.string(), owner = try d.string()
            var members: [FriendInfo] = []
            for _ in 0..<(try d.u32()) {
                members.append(FriendInfo(name: try d.string(), endpoint: try d.string(), online: try d.bool(), key: try d.data()))
            }
            return .setGroup(GroupInfo(name: name, owner: owner, members: members))
        case 10: return .setKey(name: try d.string(), key: try d.data())
        case 11:
            var names: [String] = []
            for _ in 0..<(try d.u32()) { names.append(try d.string()) }
            return .markUnsynced(names)
        case 12: return .markSynced(try d.string())
        case 13: return .overwrite(try ChatRecord.decode(from: &d))
        case 14: return .queue(peer: try d.string(), HistoryItem(group: try d.optionalString(), body: try d.data(), proof: try d.data()))
        case 15: return .dequeue(peer: try d.string())
        case 16: return .reserve(peer: try d.string(), seq: try d.u64())
        case 17: return .removeGroup(try d.string())
        case 18: return .addInvitation(GroupInvitation(group: try d.string(), owner: try d.string()))
        case 19: return .removeInvitation(group: try d.string())
        case let tag: throw .corrupt("a peer mutation tagged \(tag)")
        }
    }
}

extension RegistryMutation: LogCodable {
    package func encode(into e: inout LogEncoder) {
        switch self {
        case let .addAccount(name, hash, endpoint, key): e.u8(0); e.string(name); e.string(hash); e.string(endpoint); e.data(key)
        case let .setEndpoint(name, endpoint, key): e.u8(1); e.string(name); e.string(endpoint); e.data(key)
        case let .addRequest(from, to): e.u8(2); e.string(from); e.string(to)
        case let .removeRequest(from, to): e.u8(3); e.string(from); e.string(to)
        case let .addFriendship(a, b): e.u8(4); e.string(a); e.string(b)
        case let .removeFriendship(a, b): e.u8(5); e.string(a); e.string(b)
        case let .addMail(to, item):
            e.u8(6); e.string(to); e.string(item.from); e.u64(item.seq); e.data(item.body); e.optionalString(item.group); e.data(item.proof)
        case let .removeMail(to, from, upTo): e.u8(7); e.string(to); e.string(from); e.u64(upTo)
        case let .dropMail(to, from, seq): e.u8(8); e.string(to); e.string(from); e.u64(seq)
        case let .addBackup(user, b):
            e.u8(LogTag.registryAddBackup); e.string(user); e.string(b.peer); e.bool(b.outgoing); e.u64(b.seq); e.data(b.body); e.optionalString(b.group); e.data(b.proof)
        case let .createGroup(name, owner): e.u8(10); e.string(name); e.string(owner)
        case let .addInvitation(group, member): e.u8(11); e.string(group); e.string(member)
        case let .joinGroup(group, member): e.u8(12); e.string(group); e.string(member)
        case let .leaveGroup(group, member): e.u8(13); e.string(group); e.string(member)
        case let .destroyGroup(name): e.u8(14); e.string(name)
        }
    }

    package static func decode(from d: inout LogDecoder) throws(RunLogError) -> RegistryMutation { try decode(tag: try d.u8(), from: &d) }

    /// The mutation whose tag is read already.
    static func decode(tag: UInt8, from d: inout LogDecoder) throws(RunLogError) -> RegistryMutation {
        switch tag {
        case 0: return .addAccount(name: try d.string(), hash: try d.string(), endpoint: try d.string(), key: try d.data())
        case 1: return .setEndpoint(name: try d.string(), endpoint: try d.string(), key: try d.data())
        case 2: return .addRequest(from: try d.string(), to: try d.string())
        case 3: return .removeRequest(from: try d.string(), to: try d.string())
        case 4: return .addFriendship(try d.string(), try d.string())
        case 5: return .removeFriendship(try d.string(), try d.string())
        case 6:
            let to = try d.string()
            return .addMail(to: to, MailItem(from: try d.string(), seq: try d.u64(), body: try d.data(), group: try d.optionalString(),
                                             proof: try d.data()))
        case 7: return .removeMail(to: try d.string(), from: try d.string(), upTo: try d.u64())
        case 8: return .dropMail(to: try d.string(), from: try d.string(), seq: try d.u64())
        case LogTag.registryAddBackup:
            let b = try LoggedBackup(from: &d)
            return .addBackup(user: String(decoding: b.user, as: UTF8.self),
                              BackupEntry(peer: String(decoding: b.peer, as: UTF8.self), outgoing: b.outgoing, seq: b.seq, body: Array(b.body),
                                          group: b.group.map { String(decoding: $0, as: UTF8.self) }, proof: Array(b.proof)))
        case 10: return .createGroup(name: try d.string(), owner: try d.string())
        case 11: return .addInvitation(group: try d.string(), member: try d.string())
        case 12: return .joinGroup(group: try d.string(), member: try d.string())
        case 13: return .leaveGroup(group: try d.string(), member: try d.string())
        case 14: return .destroyGroup(try d.string())
        case let tag: throw .corrupt("a registry mutation tagged \(tag)")
        }
    }
}
