import ConfChatCore

/// The one loop around a pure machine: take an input, run the machine, commit its writes,
/// then carry out its other effects. The simulator, the standalone hosts, the bench and the
/// core's test harness all drive their machines through it.
///
/// Group commit is how it works: `handle` runs the machine and keeps what it asked for;
/// `commit` writes every kept mutation in one transaction, and only then carries out the
/// kept effects (sends, timers, replies to the user) in the order the machine made them. So
/// nothing leaves the node before the write it follows is durable (docs/guarantees.md,
/// guarantee 3), whether a batch is one input (`run`, the simulator's way: its trace shows
/// each input's sends before the next input) or a whole drained inbox (the registry host,
/// the bench).
///
/// Fault points are the driver's too: `armCrash(afterSteps:)` makes the next `commit` stop
/// part way, where a step is the transaction or one effect, so tests can crash a node
/// between any two of them.
public final class NodeDriver<Machine: DrivenMachine> {
    public let name: String
    /// The machine: nil while the node is down. Its memory is lost by a crash; its store is not.
    public var machine: Machine?
    public var store: any NodeStore<Machine.Mutation>
    public let transport: any Transport
    /// Carries out an effect that is neither a write nor a send.
    private let perform: (Machine.Effect) throws -> Void
    /// Hears of every message that was not sent, and why (the node logs or traces it).
    private let unsent: (Address, WireMessage, SendOutcome) -> Void

    private var writes: [Machine.Mutation] = []
    private var held: [Held] = []

    /// An effect kept for the commit; writes are kept apart, so none is here.
    private enum Held {
        case send(Address, WireMessage)
        case other(Machine.Effect)
    }

    /// Whether a commit writes before it carries out anything else (default true). False is
    /// a fault-injection switch for testing the checks, never for real use: the transaction
    /// then comes last, so a node acknowledges what is not on disk yet. Crashes between
    /// inputs cannot tell the difference; only a crash part way through one (a fault point)
    /// shows it (`confchat chaos --break-write-first`).
    public var writesFirst = true

    private var crashAfter: Int?
    /// Transactions committed so far.
    public private(set) var transactions = 0

    public init(name: String, machine: Machine?, store: any NodeStore<Machine.Mutation>, transport: any Transport,
                perform: @escaping (Machine.Effect) throws -> Void,
                unsent: @escaping (Address, WireMessage, SendOutcome) -> Void = { _, _, _ in }) {
        self.name = name
        self.machine = machine
        self.store = store
        self.transport = transport
        self.perform = perform
        self.unsent = unsent
    }

    /// Where a commit stopped because a crash was armed: after `step` of `steps` steps.
    public struct Crash: Hashable, Sendable {
        public var step: Int
        public var steps: Int
    }

    /// Makes the next `commit` carry out only its first `afterSteps` steps and report a crash.
    public func armCrash(afterSteps: Int) { crashAfter = afterSteps }

    /// Whether the machine runs (false while the node is down). Asked for every message, so
    /// it looks at the optional in place: `machine != nil` would copy the whole machine.
    public var isUp: Bool {
        if case .none = machine { return false }
        return true
    }

    /// Whether inputs were handled since the last commit.
    public var hasPending: Bool { !writes.isEmpty || !held.isEmpty }

    /// Whether the inputs handled since the last commit wrote anything: a fault point waits
    /// for such an input, since one that writes nothing has nothing to lose part way.
    public var hasWrites: Bool { !writes.isEmpty }

    /// Runs the machine on one input and keeps its effects for the next `commit`. A node that
    /// is down ignores its input.
    public func handle(_ input: Machine.Input, now: SimInstant) {
        // Moved out while it works (`take`, not a copy): with a second reference left here,
        // the first write to each of its dictionaries and arrays would copy it whole
        // (copy-on-write), and a copy retains and releases every field of the machine.
        guard var m = machine.take() else { return }
        let effects = m.handle(input, now: now)
        machine = m
        for effect in effects {
            switch Machine.route(effect) {
            case let .write(mutation): writes.append(mutation)
            case let .send(address, message): held.append(.send(address, message))
            case .other: held.append(.other(effect))
            }
        }
    }

    /// Commits what the handled inputs wrote, in one transaction, then carries out their
    /// other effects in order. Returns where it stopped if a crash was armed: the node must
    /// then crash, and the rest of the batch is lost with its memory.
    @discardableResult
    public func commit() throws -> Crash? {
        let limit = crashAfter
        crashAfter = nil
        let batch = writes
        let effects = held
        writes.removeAll(keepingCapacity: true)
        held.removeAll(keepingCapacity: true)
        let steps = (batch.isEmpty ? 0 : 1) + effects.count
        var step = 0
        if writesFirst, !batch.isEmpty {
            if step == limit { return Crash(step: step, steps: steps) }
            try write(batch)
            step += 1
        }
        for effect in effects {
            if step == limit { return Crash(step: step, steps: steps) }
            try carryOut(effect)
            step += 1
        }
        if !writesFirst, !batch.isEmpty {
            if step == limit { return Crash(step: step, steps: steps) }
            try write(batch)
            step += 1
        }
        return limit.map { _ in Crash(step: step, steps: steps) }
    }

    /// The first half of a group commit across nodes that share a store's log (the
    /// simulator's rounds): hands what the handled inputs wrote to the store as one
    /// transaction, not yet flushed. The caller flushes once for every node it staged, then
    /// `release`s each: so a round of the whole network is one write, and still nothing
    /// leaves a node before the write it follows is durable. No armed crash is carried out.
    public func stage() throws {
        guard !writes.isEmpty else { return }
        try store.apply(writes)
        transactions += 1
        writes.removeAll(keepingCapacity: true)
    }

    /// The second half of a group commit (`stage`): carries out the kept effects in order,
    /// once the staged writes are flushed.
    public func release() throws {
        let effects = held
        held.removeAll(keepingCapacity: true)
        for effect in effects { try carryOut(effect) }
    }

    /// `handle` and `commit`: a batch of one input.
    @discardableResult
    public func run(_ input: Machine.Input, now: SimInstant) throws -> Crash? {
        handle(input, now: now)
        return try commit()
    }

    /// One transaction, flushed: a store that logs makes it durable here.
    private func write(_ batch: [Machine.Mutation]) throws {
        try store.apply(batch)
        try store.flush()
        transactions += 1
    }

    private func carryOut(_ effect: Held) throws {
        switch effect {
        case let .send(address, message):
            let outcome = transport.send(message, from: name, to: address)
            if outcome != .sent { unsent(address, message, outcome) }
        case let .other(effect): try perform(effect)
        }
    }
}
