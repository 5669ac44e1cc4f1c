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

    /// What kind of effect this is, as the driver commits and carries the batch out. Nothing
    /// of the effect is copied: the write's mutation and the send's message are read where
    /// they lie (`withMutation`, `withMessage`).
    static func kind(of effect: Effect) -> EffectKind

    /// Hands a write's mutation to `body` where it lies in the effect (nothing for any other
    /// effect): the store reads it there. Returning the mutation copied it, a retain of every
    /// `String` and array in it, and the batch's list of them was destroyed again after.
    static func withMutation(of effect: Effect, _ body: (Mutation) throws -> Void) rethrows

    /// Hands a send's address and message to `body` where they lie in the effect (nothing for
    /// any other effect). A route returning them copied both, and destroyed the copies once
    /// the transport had sent them.
    static func withMessage(of effect: Effect, _ body: (Address, WireMessage) throws -> Void) rethrows
}

/// How the driver carries out one effect.
public enum EffectKind {
    /// A write: committed with the batch's other writes before anything is carried out.
    case write
    /// A message for the transport.
    case send
    /// A message for the transport that nobody waits on (a peer's backup entry): sent after
    /// the batch's other effects, so that what someone does wait on (a CHAT, its
    /// acknowledgement, a delivery, a command's answer) is not held up by it. Still after the
    /// batch's transaction, and before any later message of the batch to the same address,
    /// so every address gets the batch's messages in the order the machine made them.
    case sendLast
    /// Anything else: handed to the node.
    case other
}

extension PeerMachine: DrivenMachine {
    /// A backup entry goes last (`EffectKind.sendLast`): the registry's copy of a message
    /// waits for nobody, while the CHAT, its delivery and its acknowledgement do.
    public static func kind(of effect: PeerEffect) -> EffectKind {
        switch effect {
        case .persist: .write
        case .send(_, .backup): .sendLast
        case .send: .send
        case .schedule, .completed, .event: .other
        }
    }

    public static func withMutation(of effect: PeerEffect, _ body: (PeerMutation) throws -> Void) rethrows {
        if case let .persist(m) = effect { try body(m) }
    }

    public static func withMessage(of effect: PeerEffect, _ body: (Address, WireMessage) throws -> Void) rethrows {
        if case let .send(address, message) = effect { try body(address, message) }
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

    public static func kind(of effect: RegistryEffect) -> EffectKind {
        switch effect {
        case .persist: .write
        case .send: .send
        case .note, .checkPassword: .other
        }
    }

    public static func withMutation(of effect: RegistryEffect, _ body: (RegistryMutation) throws -> Void) rethrows {
        if case let .persist(m) = effect { try body(m) }
    }

    public static func withMessage(of effect: RegistryEffect, _ body: (Address, WireMessage) throws -> Void) rethrows {
        if case let .send(address, message) = effect { try body(address, message) }
    }
}
