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

    /// The registry no longer holds `seq` for `recipient` (the recipient could not open it).
    mutating func returned(to recipient: String, seq: UInt64) {
        held[recipient]?[seq] = nil
    }

    /// `recipient` holds only our messages up to `seq`: it was wiped, and those above that
    /// it had taken from its mailbox are gone with it.
    mutating func forget(to recipient: String, above seq: UInt64) {
        held[recipient] = held[recipient]?.filter { $0.key <= seq }
    }

    /// Keeps as held only what the registry says it still holds of ours (LOGIN-REPLY's marks).
    mutating func keep(only marks: [BackupMark]) {
        var still: [String: Set<UInt64>] = [:]
        for m in marks where m.outgoing { still[m.peer, default: []].insert(m.seq) }
        for recipient in held.keys {
            held[recipient] = held[recipient]!.filter { still[recipient]?.contains($0.key) == true }
        }
    }
}
