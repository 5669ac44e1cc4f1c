/// The in-memory part of a logged-in peer: lost on logout and on crash, by design.
struct PeerSession {
    /// Distinguishes this session's timers from those of an earlier one.
    var epoch: UInt64
    /// Kept in memory only, to log in again at a registry that restarted and forgot us.
    var password: String
    /// What our messages' proofs are made and checked with (`MessageProver`), from the password.
    var proofKey: [UInt8]
    /// How the session sees each friend, by contact number (`ContactBook`, `ContactSlots`).
    var presence = ContactSlots<FriendPresence>()
    /// Messages that arrived ahead of a gap, waiting for the gap to fill (bounded).
    var heldBack = HoldBackBuffer()
    /// Messages handed to the registry's mailbox, the key each was sealed to, and which the
    /// registry acknowledged.
    var deposits = DepositLedger()
    /// The registry answered a LOGIN of this session, so it knows our current endpoint.
    var announced = false
    /// A login from local credentials completes before the registry answers its LOGIN: until
    /// the registry says anything or that LOGIN times out, whether it answers is not known
    /// yet (which `status` must not call "not answering").
    var awaitingFirstAnswer = false
    /// PINGs sent since the last PONG. A registry that stopped answering (down, or cut off by
    /// a partition) gets a new LOGIN instead of the next PING, which also lets its backup catch up.
    var pingsUnanswered = 0
    /// PINGs in a row without a PONG after which the next tick sends LOGIN, not PING: 2, so the
    /// registry was silent for two ping intervals (4 s). One missed PONG is more often late
    /// than lost: a registry that is behind (1,000 peers on two cores) answers it after the
    /// next tick, and a LOGIN in its place cost the busy registry a password check per peer and
    /// made it busier (`bench --hosts 3 --peers 1000`: 207,203 LOGINs answered again in one
    /// run, docs/performance.md). Two keep a registry that restarted or was cut off caught up
    /// within two intervals; a restarted one says so in its first PONG (`known` = 0) anyway,
    /// and news lost on the way shows in the PONG's count.
    static let missedPongsBeforeLogin = 2
    /// News messages from the registry since the last LOGIN-REPLY, to compare with the count
    /// each PONG brings: a difference means one was lost (or is late), and a LOGIN fetches
    /// the registry's whole view again.
    var newsReceived: UInt32 = 0
    /// What each friend's last HELLO (or CHAT-ACK since) said it holds from us (1...n, no hole),
    /// by contact number.
    var theirAck = ContactSlots<UInt64>()
    /// Recipients whose mailbox the registry said is full, and until when we deposit nothing
    /// more to them (our messages wait in the outbox, unconfirmed).
    var mailboxFull: [String: SimInstant] = [:]
    /// What each contact was given back (HISTORY) in its current window, to bound it.
    var historyBudget = HistoryBudget()
    /// When each contact's unconfirmed messages go out again: later after each retry that
    /// brought no acknowledgement.
    var retries = RetryBackoff()
    /// When the heartbeat timer is due: one that fires later says how long this node did not
    /// run, which a friend's silence must exceed too before it counts.
    var heartbeatDue: SimInstant?
    /// How long each contact takes to confirm a message sent once, by contact number: how
    /// long a retry waits for it first.
    var roundTrips = ContactSlots<RoundTrip>()
    /// Friends to whom a retry sent only the first unconfirmed message (`retransmit`): the
    /// rest go once it is confirmed.
    var resending: Set<String> = []
    /// Recipients to whom a retry deposited again only the first awaited deposit, and its seq:
    /// the rest go once the registry acknowledges it (`depositAcknowledged`).
    var redepositing: [String: UInt64] = [:]
}

/// How a peer sees one friend's presence.
struct FriendPresence {
    var online = false
    var lastHeard = SimInstant.zero
    /// The friend said goodbye (or was never seen): stop probing until they say hello.
    var loggedOut = false

    /// The friend was heard from at `now`: online, not logged out. Returns whether it was
    /// offline until now.
    mutating func heard(at now: SimInstant) -> Bool {
        lastHeard = now
        loggedOut = false
        defer { online = true }
        return !online
    }
}
