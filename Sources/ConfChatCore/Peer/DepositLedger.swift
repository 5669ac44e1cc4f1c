/// What a session handed the registry's mailbox (DEPOSIT, GROUP-DEPOSIT), by recipient and
/// seq, and the recipient's key each deposit was sealed to (protocol.md 6.6, "A new key").
///
/// A deposit spares its message further deposits once the registry acknowledged it
/// (DEPOSIT-ACK), and only while the key it was sealed to is still the recipient's key as we
/// know it: a key learned since, from whatever message (FRIEND-ADDED, GROUP-UPDATE, a
/// LOGIN-REPLY), means the recipient was wiped and cannot open it, so the next retry
/// deposits it again. A DEPOSIT-ACK does not say which of several deposits of a seq it
/// answers, nor can the registry tell what a sealed body opens with: the recipient's verdict
/// corrects what this guesses wrong (MAIL-RETURNED: it could not open it), and so does each
/// LOGIN-REPLY of the session (its marks: what the registry still holds of ours).
///
/// A deposit sent and not yet acknowledged is *awaited*: a retry sends the first awaited one
/// of a recipient again, not all of them (`PeerMachine.depositUnacked`), as a retry to a friend
/// sends its first unconfirmed message: a registry that is behind answers them in order, and
/// every copy is more for it to read before it can.
struct DepositLedger: Sendable {
    /// The key the latest deposit of each seq was sealed to, by recipient.
    private var sealedTo: [String: [UInt64: [UInt8]]] = [:]
    /// The key of the deposit the registry acknowledged, by recipient and seq.
    private var held: [String: [UInt64: [UInt8]]] = [:]

    /// We deposit `seq` for `recipient`, sealed to `key` (empty: keys are not in use).
    mutating func deposit(to recipient: String, seq: UInt64, key: [UInt8]) {
        sealedTo[recipient, default: [:]][seq] = key
    }

    /// The registry acknowledged `seq` for `recipient`: taken as the latest deposit of it.
    /// An acknowledgement of no deposit of this session is ignored: the next retry deposits
    /// it again, which costs a frame.
    mutating func acknowledged(to recipient: String, seq: UInt64) {
        guard let key = sealedTo[recipient]?[seq] else { return }
        held[recipient, default: [:]][seq] = key
    }

    /// Whether the registry holds `seq` for `recipient`, sealed to `key`, the recipient's key now.
    func holds(to recipient: String, seq: UInt64, key: [UInt8]) -> Bool {
        held[recipient]?[seq] == key
    }

    /// Whether `seq` went to the registry for `recipient` in this session, sealed to `key` (the
    /// recipient's key now), and its acknowledgement has not come yet.
    func awaits(to recipient: String, seq: UInt64, key: [UInt8]) -> Bool {
        sealedTo[recipient]?[seq] == key && held[recipient]?[seq] != key
    }

    /// The registry no longer holds `seq` for `recipient` (the recipient could not open it).
    mutating func returned(to recipient: String, seq: UInt64) {
        held[recipient]?[seq] = nil
        sealedTo[recipient]?[seq] = nil
    }

    /// `recipient` holds only our messages up to `seq`: it was wiped, and those above that
    /// it had taken from its mailbox are gone with it.
    mutating func forget(to recipient: String, above seq: UInt64) {
        held[recipient] = held[recipient]?.filter { $0.key <= seq }
        sealedTo[recipient] = sealedTo[recipient]?.filter { $0.key <= seq }
    }

    /// Keeps as held only what the registry says it still holds of ours (LOGIN-REPLY's marks),
    /// and as awaited only what it holds too: a deposit it does not list was lost on the way or
    /// with a restart of the registry, and the next retry sends it again, with the others.
    mutating func keep(only marks: [BackupMark]) {
        var still: [String: Set<UInt64>] = [:]
        for m in marks where m.outgoing { still[m.peer, default: []].insert(m.seq) }
        for recipient in held.keys {
            held[recipient] = held[recipient]!.filter { still[recipient]?.contains($0.key) == true }
        }
        for recipient in sealedTo.keys {
            sealedTo[recipient] = sealedTo[recipient]!.filter { still[recipient]?.contains($0.key) == true }
        }
    }
}
