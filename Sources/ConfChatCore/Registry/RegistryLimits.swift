/// The bounds the registry keeps on what one remote party can make it hold or do. Each is in
/// docs/protocol.md (section 7) with its number; a client writer relies on them.
public enum RegistryLimits {
    /// Items waiting in one recipient's mailbox. A DEPOSIT beyond it is refused (DEPOSIT-REFUSED).
    public static let mailboxItems = 1_000
    /// Body octets waiting in one recipient's mailbox (32 MiB).
    public static let mailboxOctets = 32 * 1024 * 1024
    /// Body octets in one page of mail (LOGIN-REPLY, MAIL-PAGE): 1 MiB, and at least one item,
    /// so a page is always far below a peer's 8 MiB frame limit.
    public static let mailPageOctets = 1024 * 1024
    /// Body octets of mail pages (LOGIN-REPLY, MAIL-PAGE) the registry sends one recipient at
    /// once: a whole mailbox and a page (`MailBudget`). Beyond it a MAIL-FETCH goes unanswered,
    /// a PING brings no page and a LOGIN-REPLY an empty one, until the budget refills.
    public static let mailBudgetOctets = mailboxOctets + mailPageOctets
    /// The budget refills at one page (`mailPageOctets`) per this many milliseconds.
    public static let mailBudgetRefillMs: Int64 = 10_000
    /// Body octets in one page of backup (LOGIN-REPLY, BACKUP-PAGE): 1 MiB, and at least one
    /// entry, as a page of mail.
    public static let backupPageOctets = 1024 * 1024
    /// Entries in one page of backup: bodies may be empty, so the octets alone do not bound
    /// a page's length (a u16 count) nor its frame (4,096 entries of the largest names,
    /// group and proof and 1 MiB of bodies is about 4.3 MB).
    public static let backupPageEntries = 4_096
    /// Entries the registry keeps in one user's backup. Beyond it (or `backupOctets`) a
    /// BACKUP of a new entry is not kept: a later wipe restores the rest from friends (6.6).
    public static let backupEntries = 262_144
    /// Body octets the registry keeps in one user's backup (256 MiB).
    public static let backupOctets = 256 * 1024 * 1024
    /// Friend requests waiting for one user's answer. LOGIN-REPLY lists them (a u16 count),
    /// and anyone may ask: beyond it a FRIEND-REQUEST is refused until the user answers some.
    public static let pendingRequests = 1_000
    /// Password checks (Argon2id) waiting or running at once, over all clients.
    public static let passwordChecks = 32
    /// Password checks waiting or running for one client (one key) at once.
    public static let passwordChecksPerClient = 1
    /// Wrong passwords in a row a client may send before it must wait.
    public static let freeFailuresPerClient = 3
    /// Wrong passwords in a row for one account, from keys other than the account's own,
    /// before those keys must wait. The account's own key never waits for others' failures,
    /// so no one can lock the real user out of the machine they use.
    public static let freeFailuresPerAccount = 10
    /// The longest a client waits after wrong passwords, in milliseconds.
    public static let maxLoginDelayMs: Int64 = 60_000
    /// Clients and accounts with recent failures the registry remembers; beyond it a
    /// password check from a client it has no room for is refused as busy.
    public static let throttleRecords = 10_000
    /// The REPLY to a REGISTER or LOGIN the registry has no room to check now (`passwordChecks`,
    /// `throttleRecords`): no verdict on the request, which a peer sends again later (5.1).
    public static let busyRefusal = "the registry is busy checking passwords: try again shortly"
    /// The REPLY to a REGISTER or LOGIN from a client whose earlier one is still being checked
    /// (`passwordChecksPerClient`): no verdict either.
    public static let checkUnderWayRefusal = "a password check for this client is already under way"
    /// Whether a REPLY's error is one of the two above.
    public static func isBusy(_ error: String) -> Bool { error == busyRefusal || error == checkUnderWayRefusal }
    /// How long the registry remembers a request it carried out, to answer a repeat of it
    /// (`RequestMemory`) instead of carrying it out again: 30 s, far above a peer's request
    /// timeout (2 s) plus the time a repeat may spend on the way.
    public static let requestMemoryMs: Int64 = 30_000
    /// Requests remembered at once, over all clients; the oldest are forgotten first.
    public static let rememberedRequests = 10_000
    /// Requests remembered for one client (key, or account), so that one client's flood never
    /// makes the registry forget another's: a peer has a handful outstanding at most.
    public static let rememberedRequestsPerClient = 16
}
