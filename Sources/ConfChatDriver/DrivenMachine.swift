import ConfChatCore

/// A pure machine as the node driver sees it: inputs in, effects out, and of those effects
/// which are writes (committed first, in one transaction) and which are sends (handed to
/// the transport). Everything else is the node's own business (timers, replies, notes).
public protocol DrivenMachine {
    associatedtype Input
    associatedtype Effect
    associatedtype Mutation

    /// Handles one input, appending its effects to `effects` after what it already holds:
    /// the driver's buffer, reused from batch to batch (pure still: the buffer is a value the
    /// caller lends, no I/O).
    mutating func handle(_ input: Input, now: SimInstant, into effects: inout [Effect])

    /// The mutation of a write, nil for any other effect: what the driver keeps for the
    /// transaction. Asked once an effect, as the machine makes it; only a write's mutation is
    /// copied (a copy retains every `String` and array in it).
    static func mutation(of effect: Effect) -> Mutation?

    /// What kind of effect this is, as the driver carries the batch out (a write carries
    /// nothing here: it is in the transaction already).
    static func route(_ effect: Effect) -> EffectRoute
}

/// How the driver carries out one effect.
public enum EffectRoute {
    /// A write: committed with the batch's other writes before anything is carried out.
    case write
    /// A message for the transport.
    case send(Address, WireMessage)
    /// A message for the transport that nobody waits on (a peer's backup entry): sent after
    /// the batch's other effects, so that what someone does wait on (a CHAT, its
    /// acknowledgement, a delivery, a command's answer) is not held up by it. Still after the
    /// batch's transaction, and before any later message of the batch to the same address,
    /// so every address gets the batch's messages in the order the machine made them.
    case sendLast(Address, WireMessage)
    /// Anything else: handed to the node.
    case other
}

extension PeerMachine: DrivenMachine {
    public static func mutation(of effect: PeerEffect) -> PeerMutation? {
        if case let .persist(m) = effect { m } else { nil }
    }

    /// A backup entry goes last (`EffectRoute.sendLast`): the registry's copy of a message
    /// waits for nobody, while the CHAT, its delivery and its acknowledgement do.
    public static func route(_ effect: PeerEffect) -> EffectRoute {
        switch effect {
        case .persist: .write
        case let .send(address, message):
            if case .backup = message { .sendLast(address, message) } else { .send(address, message) }
        case .schedule, .completed, .event: .other
        }
    }
}

/// The registry machine's inputs, as one type: a message, or the outcome of a password
/// check it asked for (the node runs checks where it likes: at once, or on a worker thread).
public enum RegistryInput: Hashable, Sendable {
    case received(from: String, WireMessage)
    case passwordChecked(UInt64, PasswordCheck.Outcome)
}

extension RegistryMachine: DrivenMachine {
    public mutating func handle(_ input: RegistryInput, now: SimInstant, into effects: inout [RegistryEffect]) {
        switch input {
        case let .received(from, message): handle(from: from, message, now: now, into: &effects)
        case let .passwordChecked(id, outcome): passwordChecked(id, outcome, now: now, into: &effects)
        }
    }

    public static func mutation(of effect: RegistryEffect) -> RegistryMutation? {
        if case let .persist(m) = effect { m } else { nil }
    }

    public static func route(_ effect: RegistryEffect) -> EffectRoute {
        switch effect {
        case .persist: .write
        case let .send(address, message): .send(address, message)
        case .note, .checkPassword: .other
        }
    }
}
