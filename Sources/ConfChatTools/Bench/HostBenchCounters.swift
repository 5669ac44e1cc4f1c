import ConfChatCore

/// What a `bench --hosts` run spent besides its messages: copies, retries, presence lost, the
/// registry asked again. Where a run that lags loses its capacity (docs/performance.md,
/// "Across hosts"): printed with the result, so that a run shows it without digging in logs.
/// The peers' figures are from their `seen` (from the barrier on), the registry's from its log
/// (the whole run, set-up included).
struct HostBenchCounters: Sendable, Equatable {
    /// Copies of messages that their receivers held already (dropped as duplicates).
    var copiesDropped = 0
    /// Retries: a sender sending a contact's unconfirmed messages again (6.4).
    var retryRounds = 0
    /// Friends shown offline after a presence timeout of silence (6.5).
    var offlineDeclared = 0
    /// LOGINs that reached the registry again (the same client and `req`: answered again, or
    /// ignored while its password check ran).
    var repeatedLogins = 0
    /// REGISTERs and LOGINs the registry answered "busy" (`RegistryLimits.busyRefusal`).
    var busyAnswers = 0

    init() {}

    /// Sums the peers' `seen` counts (the kinds `RingPeer` makes, digits as "N") and counts the
    /// registry's log lines.
    init(outcomes: [RingPeer.Outcome], registryLog: String) {
        for o in outcomes {
            for (kind, n) in o.seen ?? [:] {
                if kind.hasPrefix("duplicate from ") { copiesDropped += n }
                if kind.hasPrefix("retrying unconfirmed messages to ") { retryRounds += n }
                if kind.contains(" offline: silent for ") { offlineDeclared += n }
            }
        }
        let busy = "refused: \(RegistryLimits.busyRefusal)"
        for line in registryLog.split(separator: "\n") {
            if line.contains("repeated LOGIN ") { repeatedLogins += 1 }
            if line.contains(busy) { busyAnswers += 1 }
        }
    }

    /// JSON fields, in the order printed.
    var fields: [(String, String)] {
        [("copies_dropped", "\(copiesDropped)"), ("retry_rounds", "\(retryRounds)"), ("offline_declared", "\(offlineDeclared)"),
         ("repeated_logins", "\(repeatedLogins)"), ("busy_answers", "\(busyAnswers)")]
    }

    var line: String {
        "copies dropped \(copiesDropped), retries \(retryRounds), friends shown offline \(offlineDeclared); registry: repeated LOGINs \(repeatedLogins), busy \(busyAnswers)"
    }
}
