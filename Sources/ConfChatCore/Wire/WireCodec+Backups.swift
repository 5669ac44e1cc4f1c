/// The bounds of a BACKUPS frame, and what one backup entry takes in a frame.
extension WireCodec {
    /// Most entries in one BACKUPS frame. The registry handles a frame's entries as one input
    /// (one commit): this bounds the work one frame asks of it, beside the frame's octets
    /// (`maxRequestFrameSize`, the same as every request's).
    public static let maxBackupsEntries = 256

    /// The fewest octets an encoded backup entry takes (empty names, body and proof).
    static let minBackupEntrySize = 16

    /// What a BACKUPS frame takes beside its entries: signature, version, kind and the count.
    static let backupsHeaderSize = 6

    /// The octets `entry` takes in a frame, as encoded (`writeBackup`).
    public static func encodedSize(of entry: BackupEntry) -> Int {
        minBackupEntrySize + entry.peer.utf8.count + (entry.group?.utf8.count ?? 0) + entry.body.count + entry.proof.count
    }

    static func checkBackupsCount(_ n: Int, _ w: inout ByteWriter) throws(WireEncodingError) {
        if n == 0 { throw WireEncodingError(kind: w.kind, field: "list of entries (none)", size: 0, limit: maxBackupsEntries) }
        if n > maxBackupsEntries {
            throw WireEncodingError(kind: w.kind, field: "list of entries (items)", size: n, limit: maxBackupsEntries)
        }
    }
}

/// Backup entries on their way out, gathered in order into as few frames as the bounds allow:
/// BACKUP for a lone entry (what every registry reads), BACKUPS for several. Only entries that
/// already wait together are given to it; it never waits for more.
///
/// The entries are counted as they will be after the crypto layer encrypts each body
/// (`WireCodec.maxSealingOverhead` more each), since they are gathered before it.
public struct BackupFrameBuilder: Sendable {
    public private(set) var entries: [BackupEntry] = []
    /// The frame's octets so far, each body counted as encrypted.
    private var octets = WireCodec.backupsHeaderSize

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Whether `entry` still fits in the frame beside those gathered; always, when none is.
    public func fits(_ entry: BackupEntry) -> Bool {
        entries.isEmpty || (entries.count < WireCodec.maxBackupsEntries
            && octets + Self.octets(of: entry) <= WireCodec.maxRequestFrameSize)
    }

    public mutating func add(_ entry: BackupEntry) {
        octets += Self.octets(of: entry)
        entries.append(entry)
    }

    /// The frame of the entries gathered (nil if none), and the builder emptied for the next.
    public mutating func take() -> WireMessage? {
        octets = WireCodec.backupsHeaderSize
        switch entries.count {
        case 0: return nil
        case 1: return .backup(entries.removeFirst())
        default:
            defer { entries = [] }
            return .backups(entries)
        }
    }

    private static func octets(of entry: BackupEntry) -> Int {
        WireCodec.encodedSize(of: entry) + WireCodec.maxSealingOverhead
    }
}
