/// Encodes and decodes `WireMessage` frames.
///
/// A frame is `signature(2) version(1) kind(1) fields...`, big-endian, with no padding
/// (docs/protocol.md gives the ABNF). The signature `0xC7 0xA1` lets a node reject bytes that
/// are not conf-chat at all (a port scanner, a stray HTTP request) before reading further.
public enum WireCodec {
    public static let signature: [UInt8] = [0xC7, 0xA1]
    public static let version: UInt8 = 1
    /// Largest chat body, in bytes. Larger sends are refused; larger frames are rejected.
    public static let maxBodySize = 64 * 1024
    /// Room a body may gain on its way through the registry: the shell seals mail to the
    /// recipient (a sealed box, 48 bytes more) and encrypts backups (40 bytes more), so a
    /// body `send` accepted must still fit in DEPOSIT, MAILBOX, BACKUP and LOGIN-REPLY.
    public static let maxSealingOverhead = 64
    /// Largest body of a message the registry stores (mail and backup entries).
    public static let maxStoredBodySize = maxBodySize + maxSealingOverhead
    /// Largest password, in bytes.
    public static let maxPasswordSize = 1024
    /// Largest frame a peer accepts. Also set as `ZMQ_MAXMSGSIZE`, so libzmq drops bigger
    /// frames before they are buffered. The largest a peer is sent are a LOGIN-REPLY with a
    /// page of mail and a page of backup (1 MiB of bodies each, about 6 MB at most with the
    /// longest names) and a HISTORY of 4 MiB of bodies: mail and backup come in pages, so
    /// no frame need be larger (it was 16 MiB while the whole backup came in one LOGIN-REPLY).
    public static let maxFrameSize = 8 * 1024 * 1024
    /// Largest frame a peer sends the registry: a stored body and, around it, at most three
    /// short strings, a proof and fixed fields (BACKUP of a group message is the largest, at
    /// 66,385 octets). The registry's inbox takes nothing bigger (`InboxLimits.registry`).
    public static let maxRequestFrameSize = maxStoredBodySize + 1024

    public static func encode(_ message: WireMessage) throws(WireEncodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(message, into: &bytes)
        return bytes
    }

    /// Encodes `message` into `bytes`, in place of what they held, keeping their storage: a
    /// caller that encodes frame after frame (the simulator) reuses one buffer, where each
    /// frame was an allocation and a free. On an error `bytes` hold part of a frame.
    public static func encode(_ message: WireMessage, into bytes: inout [UInt8]) throws(WireEncodingError) {
        if case let .chat(seq, body, proof) = message { return try writeChat(seq: seq, body: body, proof: proof, into: &bytes) }
        var w = ByteWriter(kind: message.kind.name, reusing: &bytes)
        defer { swap(&bytes, &w.bytes) }
        w.bytes.append(contentsOf: signature)
        w.u8(version)
        w.u8(message.kind.rawValue)
        switch message {
        case let .register(req, name, password, endpoint, key):
            w.u32(req); try w.shortString(name); try w.longString(password); try w.shortString(endpoint); try w.shortBytes(key)
        case let .login(req, name, password, endpoint, wantBackup, key):
            w.u32(req); try w.shortString(name); try w.longString(password); try w.shortString(endpoint); w.bool(wantBackup); try w.shortBytes(key)
        case let .logout(req):
            w.u32(req)
        case let .friendRequest(req, to):
            w.u32(req); try w.shortString(to)
        case let .friendAnswer(req, to, accept):
            w.u32(req); try w.shortString(to); w.bool(accept)
        case let .unfriend(req, other):
            w.u32(req); try w.shortString(other)
        case let .deposit(to, seq, body, proof):
            try w.shortString(to); w.u64(seq); try w.longBytes(body); try w.shortBytes(proof)
        case let .mailboxAck(from, upTo), let .mailFetch(from, upTo), let .mailDrop(from, upTo):
            try w.shortString(from); w.u64(upTo)
        case let .mailPage(waiting, items):
            w.u32(waiting.items); w.u64(waiting.octets)
            try w.count(items.count)
            for m in items { try writeMail(m, &w) }
        case let .depositRefused(to, seq, reason):
            try w.shortString(to); w.u64(seq); try w.longString(reason)
        case let .backupFetch(req, from):
            w.u32(req); w.u32(from)
        case let .backupPage(req, waiting, entries):
            w.u32(req); w.u32(waiting.next); w.u32(waiting.entries)
            try w.count(entries.count)
            try writeBackups(entries, &w)
        case let .backup(entry):
            try writeBackup(entry, &w)
        case let .backups(entries):
            try checkBackupsCount(entries.count, &w)
            try w.count(entries.count)
            try writeBackups(entries, &w)
        case .ping, .heartbeat, .bye:
            break
        case let .createGroup(req, group), let .joinGroup(req, group), let .leaveGroup(req, group), let .destroyGroup(req, group):
            w.u32(req); try w.shortString(group)
        case let .invite(req, group, member):
            w.u32(req); try w.shortString(group); try w.shortString(member)
        case let .groupDeposit(to, seq, group, body, proof):
            try w.shortString(to); w.u64(seq); try w.shortString(group); try w.longBytes(body); try w.shortBytes(proof)
        case let .groupInvite(group, owner):
            try w.shortString(group); try w.shortString(owner)
        case let .groupUpdate(info):
            try writeGroup(info, &w)
        case let .groupRemoved(group, reason):
            try w.shortString(group); try w.longString(reason)
        case let .groupChat(seq, group, body, proof):
            w.u64(seq); try w.shortString(group); try w.longBytes(body); try w.shortBytes(proof)
        case let .skip(seq):
            w.u64(seq)
        case let .reply(req, error):
            w.u32(req)
            if let error { w.bool(true); try w.longString(error) } else { w.bool(false) }
        case let .loginReply(req, snapshot):
            w.u32(req)
            try w.count(snapshot.friends.count)
            for f in snapshot.friends { try writeFriend(f, &w) }
            try w.count(snapshot.requests.count)
            for r in snapshot.requests { try w.shortString(r) }
            try w.count(snapshot.mailbox.count)
            for m in snapshot.mailbox { try writeMail(m, &w) }
            try w.count(snapshot.backup.count)
            for b in snapshot.backup { try writeBackup(b, &w) }
            try w.count(snapshot.backupMarks.count)
            for m in snapshot.backupMarks { try w.shortString(m.peer); w.bool(m.outgoing); w.u64(m.seq); w.u32(m.held) }
            try w.count(snapshot.groups.count)
            for g in snapshot.groups { try writeGroup(g, &w) }
            try w.count(snapshot.invitations.count)
            for i in snapshot.invitations { try w.shortString(i.group); try w.shortString(i.owner) }
            try w.count(snapshot.mailMarks.count)
            for m in snapshot.mailMarks { try w.shortString(m.peer); w.bool(m.outgoing); w.u64(m.seq) }
            w.u32(snapshot.mailWaiting.items); w.u64(snapshot.mailWaiting.octets)
            w.u32(snapshot.backupWaiting.next); w.u32(snapshot.backupWaiting.entries)
        case let .friendRequestNotice(from):
            try w.shortString(from)
        case let .friendAdded(info):
            try writeFriend(info, &w)
        case let .friendRemoved(name):
            try w.shortString(name)
        case let .depositAck(to, seq), let .mailReturned(to, seq):
            try w.shortString(to); w.u64(seq)
        case let .mailbox(items):
            try w.count(items.count)
            for m in items { try writeMail(m, &w) }
        case let .pong(known, news):
            w.bool(known); w.u32(news)
        case let .hello(endpoint, ack, sent, isReply):
            try w.shortString(endpoint); w.u64(ack); w.u64(sent); w.bool(isReply)
        case .chat:
            break  // written above, at its size (`writeChat`)
        case let .chatAck(upTo):
            w.u64(upTo)
        case let .history(first, items):
            w.u64(first)
            try w.count(items.count)
            for i in items { try w.shortString(i.group ?? ""); try w.longBytes(i.body); try w.shortBytes(i.proof) }
        }
    }

    /// Decodes a frame. With an `interner`, endpoints and public keys equal to ones decoded
    /// before come back as the same instances (a simulation's nodes share them).
    public static func decode(_ bytes: [UInt8], interning interner: WireInterner? = nil) throws(WireError) -> WireMessage {
        var r = ByteReader(bytes, interner: interner)
        guard bytes.count >= 4 else { throw .tooShort(needed: 4 - bytes.count, offset: bytes.count) }
        // Byte by byte: an array of the two (and the static one's) cost an allocation a frame.
        let s0 = try r.u8(), s1 = try r.u8()
        guard s0 == signature[0], s1 == signature[1] else { throw .badSignature([s0, s1]) }
        let v = try r.u8()
        guard v == version else { throw .unsupportedVersion(v) }
        let rawKind = try r.u8()
        guard let kind = MessageKind(rawValue: rawKind) else { throw .unknownKind(rawKind) }
        let message: WireMessage
        switch kind {
        case .register:
            message = .register(
                req: try r.u32(), name: try r.shortString("name"), password: try r.longString("password", limit: maxPasswordSize),
                endpoint: try r.endpoint(), key: try r.key())
        case .login:
            message = .login(
                req: try r.u32(), name: try r.shortString("name"), password: try r.longString("password", limit: maxPasswordSize),
                endpoint: try r.endpoint(), wantBackup: try r.bool("wantBackup"), key: try r.key())
        case .logout:
            message = .logout(req: try r.u32())
        case .friendRequest:
            message = .friendRequest(req: try r.u32(), to: try r.shortString("to"))
        case .friendAnswer:
            message = .friendAnswer(req: try r.u32(), to: try r.shortString("to"), accept: try r.bool("accept"))
        case .unfriend:
            message = .unfriend(req: try r.u32(), other: try r.shortString("other"))
        case .deposit:
            message = .deposit(to: try r.shortString("to"), seq: try r.u64(), body: try r.longBytes("body", limit: maxStoredBodySize),
                               proof: try r.shortBytes())
        case .mailboxAck:
            message = .mailboxAck(from: try r.shortString("from"), upTo: try r.u64())
        case .mailFetch:
            message = .mailFetch(after: try r.shortString("after"), seq: try r.u64())
        case .mailDrop:
            message = .mailDrop(from: try r.shortString("from"), seq: try r.u64())
        case .mailPage:
            let waiting = MailWaiting(items: try r.u32(), octets: try r.u64())
            var items: [MailItem] = []
            for _ in 0..<(try r.count(minElementSize: 15)) { items.append(try readMail(&r)) }
            message = .mailPage(waiting: waiting, items: items)
        case .backupFetch:
            message = .backupFetch(req: try r.u32(), from: try r.u32())
        case .backupPage:
            let req = try r.u32()
            let waiting = BackupWaiting(next: try r.u32(), entries: try r.u32())
            var entries: [BackupEntry] = []
            for _ in 0..<(try r.count(minElementSize: minBackupEntrySize)) { entries.append(try readBackup(&r)) }
            message = .backupPage(req: req, waiting: waiting, entries: entries)
        case .depositRefused:
            message = .depositRefused(to: try r.shortString("to"), seq: try r.u64(), reason: try r.longString("reason", limit: 4096))
        case .backup:
            message = .backup(try readBackup(&r))
        case .backups:
            guard bytes.count <= maxRequestFrameSize else {
                throw .tooLarge(field: "BACKUPS frame", size: bytes.count, limit: maxRequestFrameSize)
            }
            let n = try r.count(minElementSize: minBackupEntrySize)
            guard n > 0 else { throw .invalidValue(field: "entries", value: 0) }
            guard n <= maxBackupsEntries else { throw .tooLarge(field: "entries", size: n, limit: maxBackupsEntries) }
            var entries: [BackupEntry] = []
            entries.reserveCapacity(n)
            for _ in 0..<n { entries.append(try readBackup(&r)) }
            message = .backups(entries)
        case .ping:
            message = .ping
        case .createGroup:
            message = .createGroup(req: try r.u32(), group: try r.groupName())
        case .invite:
            message = .invite(req: try r.u32(), group: try r.groupName(), member: try r.shortString("member"))
        case .joinGroup:
            message = .joinGroup(req: try r.u32(), group: try r.groupName())
        case .leaveGroup:
            message = .leaveGroup(req: try r.u32(), group: try r.groupName())
        case .destroyGroup:
            message = .destroyGroup(req: try r.u32(), group: try r.groupName())
        case .groupDeposit:
            message = .groupDeposit(
                to: try r.shortString("to"), seq: try r.u64(), group: try r.groupName(),
                body: try r.longBytes("body", limit: maxStoredBodySize), proof: try r.shortBytes())
        case .groupInvite:
            message = .groupInvite(group: try r.groupName(), owner: try r.shortString("owner"))
        case .groupUpdate:
            message = .groupUpdate(try readGroup(&r))
        case .groupRemoved:
            message = .groupRemoved(group: try r.groupName(), reason: try r.longString("reason", limit: 4096))
        case .skip:
            message = .skip(seq: try r.u64())
        case .groupChat:
            message = .groupChat(seq: try r.u64(), group: try r.groupName(), body: try r.longBytes("body", limit: maxBodySize),
                                 proof: try r.shortBytes())
        case .reply:
            let req = try r.u32()
            let hasError = try r.bool("hasError")
            message = .reply(req: req, error: hasError ? try r.longString("error", limit: 4096) : nil)
        case .loginReply:
            let req = try r.u32()
            var snapshot = LoginSnapshot()
            for _ in 0..<(try r.count(minElementSize: 3)) { snapshot.friends.append(try readFriend(&r)) }
            for _ in 0..<(try r.count(minElementSize: 1)) { snapshot.requests.append(try r.shortString("request")) }
            for _ in 0..<(try r.count(minElementSize: 15)) { snapshot.mailbox.append(try readMail(&r)) }
            for _ in 0..<(try r.count(minElementSize: minBackupEntrySize)) { snapshot.backup.append(try readBackup(&r)) }
            for _ in 0..<(try r.count(minElementSize: 14)) {
                snapshot.backupMarks.append(BackupMark(peer: try r.shortString("peer"), outgoing: try r.bool("outgoing"), seq: try r.u64(),
                                                       held: try r.u32()))
            }
            for _ in 0..<(try r.count(minElementSize: 4)) { snapshot.groups.append(try readGroup(&r)) }
            for _ in 0..<(try r.count(minElementSize: 2)) {
                snapshot.invitations.append(GroupInvitation(group: try r.groupName(), owner: try r.shortString("owner")))
            }
            for _ in 0..<(try r.count(minElementSize: 10)) {
                snapshot.mailMarks.append(BackupMark(peer: try r.shortString("peer"), outgoing: try r.bool("outgoing"), seq: try r.u64()))
            }
            snapshot.mailWaiting = MailWaiting(items: try r.u32(), octets: try r.u64())
            snapshot.backupWaiting = BackupWaiting(next: try r.u32(), entries: try r.u32())
            message = .loginReply(req: req, snapshot: snapshot)
        case .friendRequestNotice:
            message = .friendRequestNotice(from: try r.shortString("from"))
        case .friendAdded:
            message = .friendAdded(try readFriend(&r))
        case .friendRemoved:
            message = .friendRemoved(name: try r.shortString("name"))
        case .depositAck:
            message = .depositAck(to: try r.shortString("to"), seq: try r.u64())
        case .mailReturned:
            message = .mailReturned(to: try r.shortString("to"), seq: try r.u64())
        case .mailbox:
            var items: [MailItem] = []
            for _ in 0..<(try r.count(minElementSize: 15)) { items.append(try readMail(&r)) }
            message = .mailbox(items)
        case .pong:
            message = .pong(known: try r.bool("known"), news: try r.u32())
        case .hello:
            message = .hello(endpoint: try r.endpoint(), ack: try r.u64(), sent: try r.u64(), isReply: try r.bool("isReply"))
        case .heartbeat:
            message = .heartbeat
        case .bye:
            message = .bye
        case .chat:
            message = .chat(seq: try r.u64(), body: try r.longBytes("body", limit: maxBodySize), proof: try r.shortBytes())
        case .chatAck:
            message = .chatAck(upTo: try r.u64())
        case .history:
            let first = try r.u64()
            var items: [HistoryItem] = []
            for _ in 0..<(try r.count(minElementSize: 6)) {
                let group = try r.optionalGroup()
                items.append(HistoryItem(group: group, body: try r.longBytes("body", limit: maxBodySize),
                                         proof: try r.shortBytes()))
            }
            message = .history(first: first, items: items)
        }
        guard r.remaining == 0 else { throw .trailingBytes(r.remaining) }
        return message
    }

    private static func writeFriend(_ f: FriendInfo, _ w: inout ByteWriter) throws(WireEncodingError) {
        try w.shortString(f.name); try w.shortString(f.endpoint); w.bool(f.online); try w.shortBytes(f.key)
    }

    private static func readFriend(_ r: inout ByteReader) throws(WireError) -> FriendInfo {
        FriendInfo(name: try r.shortString("name"), endpoint: try r.endpoint(), online: try r.bool("online"), key: try r.key())
    }

    // An optional group travels as a short string, empty for none (group names are never empty).

    private static func writeMail(_ m: MailItem, _ w: inout ByteWriter) throws(WireEncodingError) {
        try w.shortString(m.from); w.u64(m.seq); try w.shortString(m.group ?? ""); try w.longBytes(m.body); try w.shortBytes(m.proof)
    }

    private static func readMail(_ r: inout ByteReader) throws(WireError) -> MailItem {
        let from = try r.shortString("from"), seq = try r.u64(), group = try r.optionalGroup()
        let body = try r.longBytes("body", limit: maxStoredBodySize)
        return MailItem(from: from, seq: seq, body: body, group: group, proof: try r.shortBytes())
    }

    private static func writeBackup(_ b: BackupEntry, _ w: inout ByteWriter) throws(WireEncodingError) {
        try w.shortString(b.peer); w.bool(b.outgoing); w.u64(b.seq); try w.shortString(b.group ?? ""); try w.longBytes(b.body)
        try w.shortBytes(b.proof)
    }

    /// Each entry read where it lies in the list: a `for` over the list copied each one (a
    /// retain and a release of its name, body, group and proof) to write it.
    private static func writeBackups(_ entries: [BackupEntry], _ w: inout ByteWriter) throws(WireEncodingError) {
        for i in entries.indices { try writeBackup(entries[i], &w) }
    }

    private static func readBackup(_ r: inout ByteReader) throws(WireError) -> BackupEntry {
        let peer = try r.shortString("peer"), outgoing = try r.bool("outgoing"), seq = try r.u64()
        let group = try r.optionalGroup()
        let body = try r.longBytes("body", limit: maxStoredBodySize)
        return BackupEntry(peer: peer, outgoing: outgoing, seq: seq, body: body, group: group, proof: try r.shortBytes())
    }

    private static func writeGroup(_ g: GroupInfo, _ w: inout ByteWriter) throws(WireEncodingError) {
        try w.shortString(g.name); try w.shortString(g.owner)
        try w.count(g.members.count)
        for m in g.members { try writeFriend(m, &w) }
    }

    private static func readGroup(_ r: inout ByteReader) throws(WireError) -> GroupInfo {
        let name = try r.groupName(), owner = try r.shortString("owner")
        var members: [FriendInfo] = []
        for _ in 0..<(try r.count(minElementSize: 3)) { members.append(try readFriend(&r)) }
        return GroupInfo(name: name, owner: owner, members: members)
    }
}
