/// How many octets of mail pages the registry may still send one recipient: a token bucket.
///
/// A MAIL-FETCH or a PING costs its sender a few octets and makes the registry send a page of
/// up to `RegistryLimits.mailPageOctets`; without a bound a client that asks in a loop (and
/// does not read) makes the registry queue pages without end. The bucket holds a whole
/// mailbox and a page (`RegistryLimits.mailBudgetOctets`), so an honest login drains a full
/// mailbox at once, and refills at `RegistryLimits.mailBudgetRefillMs` a page. Time is the
/// machine's `now`, so simulated runs stay deterministic.
struct MailBudget {
    var octets: Int64 = Int64(RegistryLimits.mailBudgetOctets)
    var updated: SimInstant
    /// Whether the last page asked for was refused, so the refusal is noted once a run.
    var refusing = false

    init(now: SimInstant) { updated = now }

    /// Refills for the time since the last call, then takes `cost` octets if they are there.
    mutating func take(_ cost: Int, now: SimInstant) -> Bool {
        let elapsed = max(0, now - updated)
        let refill = elapsed * Int64(RegistryLimits.mailPageOctets) / RegistryLimits.mailBudgetRefillMs
        octets = min(Int64(RegistryLimits.mailBudgetOctets), octets + refill)
        updated = now
        guard Int64(cost) <= octets else { return false }
        octets -= Int64(cost)
        return true
    }
}
