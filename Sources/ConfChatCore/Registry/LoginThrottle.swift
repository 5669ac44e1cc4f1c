/// Slows down guessing: wrong passwords in a row make the client (its key) wait, and so do
/// many wrong passwords for one account from keys other than the account's own.
///
/// The wait doubles with each failure past the free ones, from 1 s up to
/// `RegistryLimits.maxLoginDelayMs`. A request that comes too early is refused at once, without
/// hashing. Keyed by client first, so an attacker slows only itself; the account-wide count
/// spares the account's own key, so the real user is never locked out of their machine.
/// Memory only: a restarted registry forgets it, as it forgets who is online.
struct LoginThrottle {
    struct Record {
        var failures = 0
        var until = SimInstant.zero
    }

    private(set) var byClient: [String: Record] = [:]
    private(set) var byAccount: [String: Record] = [:]

    /// Milliseconds `client` must still wait before a password check for `account`, or nil.
    func wait(client: String, account: String, ownKey: Bool, now: SimInstant) -> Int64? {
        var until = byClient[client]?.until ?? .zero
        if !ownKey, let a = byAccount[account], a.failures >= RegistryLimits.freeFailuresPerAccount { until = max(until, a.until) }
        return until > now ? until.milliseconds - now.milliseconds : nil
    }

    /// Whether a new client fits in the table (one that already failed always does).
    mutating func hasRoom(for client: String, now: SimInstant) -> Bool {
        if byClient[client] != nil || byClient.count < RegistryLimits.throttleRecords { return true }
        byClient = byClient.filter { $0.value.until > now }
        byAccount = byAccount.filter { $0.value.until > now }
        return byClient.count < RegistryLimits.throttleRecords
    }

    mutating func failed(client: String, account: String, ownKey: Bool, now: SimInstant) {
        byClient[client] = Self.bump(byClient[client] ?? Record(), free: RegistryLimits.freeFailuresPerClient, now: now)
        if !ownKey, byAccount[account] != nil || byAccount.count < RegistryLimits.throttleRecords {
            byAccount[account] = Self.bump(byAccount[account] ?? Record(), free: RegistryLimits.freeFailuresPerAccount, now: now)
        }
    }

    mutating func succeeded(client: String, account: String) {
        byClient[client] = nil
        byAccount[account] = nil
    }

    private static func bump(_ r: Record, free: Int, now: SimInstant) -> Record {
        var r = r
        r.failures += 1
        if r.failures >= free {
            let doublings = min(r.failures - free, 16)
            r.until = now + min(RegistryLimits.maxLoginDelayMs, Int64(1000) << doublings)
        }
        return r
    }
}
