import ConfChatCore

/// The one loop around a pure machine: take an input, run the machine, commit its writes,
/// then carry out its other effects. The simulator, the standalone hosts, the bench and the
/// core's test harness all drive their machines through it.
///
/// Group commit is how it works: `handle` runs the machine and keeps what it asked for;
/// `commit` writes every kept mutation in one transaction, and only then carries out the
/// kept effects (sends, timers, replies to the user) in the order the machine made them, but
/// for the messages nobody waits on (a peer's backup entries), which go after the rest of
/// the batch (`EffectRoute.sendLast`): a CHAT and its delivery do not wait for them. So
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
    /// Reading it copies the whole machine (a retain and a release of each of its fields):
    /// what is asked at every message reads it in place (`isUp`, `peek`).
    public var machine: Machine? {
        get { running }
        set {
            if case .none = newValue { isUp = false } else { isUp = true }
            running = newValue
        }
    }
    /// The machine itself, moved out while it handles an input (`handle`, `peek`). No
    /// observer on it: an observed property is copied out and back at each `take()`.
    private var running: Machine?
    /// Whether the machine runs (false while the node is down). Asked for every message, so
    /// it is kept apart: through `machine` it would copy the whole machine.
    public private(set) var isUp: Bool
    public var store: any NodeStore<Machine.Mutation>
    public let transport: any Transport
    /// Carries out an effect that is neither a write nor a send.
    private let perform: (Machine.Effect) throws -> Void
    /// Hears of every message that was not sent, and why (the node logs or traces it).
    private let unsent: (Address, WireMessage, SendOutcome) -> Void

    /// The batch's writes, in order: what the commit hands the store as one transaction.
    private var writes: [Machine.Mutation] = []
    /// Every effect of the batch in the order the machine made them, writes included (they
    /// are skipped when the rest is carried out): the machine appends into this buffer
    /// itself (`DrivenMachine.handle(_:now:into:)`). Both buffers are emptied and reused
    /// batch after batch, so handling and committing an input makes no array.
    private var held: [Machine.Effect] = []
    /// How many of `held` are not writes: the steps a commit carries out after its transaction.
    private var others = 0
    /// Where a commit keeps the messages it holds back until the rest of the batch is
    /// carried out (`EffectRoute.sendLast`): emptied and reused batch after batch.
    private var heldLast: [HeldBack] = []
    /// Where both buffers come from and go back to between batches, when the node shares
    /// them with others that take turns (`BufferPool`: the simulator's nodes); nil: the
    /// driver keeps its own.
    private let pools: (effects: BufferPool<Machine.Effect>, writes: BufferPool<Machine.Mutation>)?

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
                unsent: @escaping (Address, WireMessage, SendOutcome) -> Void = { _, _, _ in },
                pools: (effects: BufferPool<Machine.Effect>, writes: BufferPool<Machine.Mutation>)? = nil) {
        self.name = name
        self.pools = pools
        self.running = machine
        if case .none = machine { isUp = false } else { isUp = true }
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

    /// Reads the machine in place, nil while the node is down: what the node asks of it at
    /// every message (a key, the password) costs no copy of the machine. Moved out while
    /// `read` runs, as in `handle`, so `read` must not reach the driver again.
    public func peek<R>(_ read: (borrowing Machine) -> R) -> R? {
        guard let m = running.take() else { return nil }
        let result = read(m)
        running = consume m
        return result
    }

    /// Whether inputs were handled since the last commit.
    public var hasPending: Bool { !writes.isEmpty || others > 0 }

    /// Whether the inputs handled since the last commit wrote anything: a fault point waits
    /// for such an input, since one that writes nothing has nothing to lose part way.
    public var hasWrites: Bool { !writes.isEmpty }

    /// Runs the machine on one input and keeps its effects for the next `commit`. A node that
    /// is down ignores its input.
    public func handle(_ input: Machine.Input, now: SimInstant) {
        // Moved out while it works (`take`, not a copy): with a second reference left here,
        // the first write to each of its dictionaries and arrays would copy it whole
        // (copy-on-write), and a copy retains and releases every field of the machine.
        guard var m = running.take() else { return }
        if let pools {  // a batch starts: its buffers from the pool (see `BufferPool`)
            if held.capacity == 0 { held = pools.effects.take() }
            if writes.capacity == 0 { writes = pools.writes.take() }
        }
        let start = held.endIndex
        m.handle(input, now: now, into: &held)
        running = consume m  // moved back, not copied: a copy retains and releases every field
        // By index, each effect read where it lies: a `for` over the slice copies each one.
        for i in start..<held.endIndex {
            if let mutation = Machine.mutation(of: held[i]) { writes.append(mutation) } else { others += 1 }
        }
    }

    /// Commits what the handled inputs wrote, in one transaction, then carries out their
    /// other effects in order (the messages nobody waits on last: `carryOut`). Returns where
    /// it stopped if a crash was armed: the node must then crash, and the rest of the batch
    /// is lost with its memory.
    @discardableResult
    public func commit() throws -> Crash? {
        let limit = crashAfter
        crashAfter = nil
        // Taken out of the driver before anything is carried out: what is carried out may
        // make the node handle another input, which starts a batch of its own.
        var batch: [Machine.Mutation] = []
        swap(&batch, &writes)
        var effects = takeHeld()
        defer {
            giveBack(&effects)
            recycle(&batch)
        }
        var steps = Steps(limit: limit, total: (batch.isEmpty ? 0 : 1) + effects.others)
        if writesFirst, !batch.isEmpty {
            guard steps.take() else { return steps.crash }
            try write(batch)
        }
        guard try carryOut(effects.list, &steps) else { return steps.crash }
        if !writesFirst, !batch.isEmpty {
            guard steps.take() else { return steps.crash }
            try write(batch)
        }
        return limit.map { _ in steps.crash }
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
        var batch: [Machine.Mutation] = []
        swap(&batch, &writes)
        recycle(&batch)
    }

    /// The second half of a group commit (`stage`): carries out the kept effects in order
    /// (as `commit` does), once the staged writes are flushed.
    public func release() throws {
        var effects = takeHeld()
        defer { giveBack(&effects) }
        var steps = Steps(limit: nil, total: effects.others)
        _ = try carryOut(effects.list, &steps)  // the writes are staged already
    }

    /// A commit's steps (the transaction, then each other effect), counted against an
    /// armed crash.
    private struct Steps {
        let limit: Int?
        let total: Int
        var done = 0

        /// Whether the next step may be carried out (it is counted then); false where an
        /// armed crash stops the batch.
        mutating func take() -> Bool {
            if done == limit { return false }
            done += 1
            return true
        }

        var crash: Crash { Crash(step: done, steps: total) }
    }

    /// Carries out a batch's effects other than its writes, in the order the machine made
    /// them, except that a message nobody waits on (`EffectRoute.sendLast`) waits until the
    /// rest is carried out, or until just before the batch's next message to the same
    /// address. False when an armed crash stopped it.
    private func carryOut(_ list: [Machine.Effect], _ steps: inout Steps) throws -> Bool {
        // The messages held back: in the driver's buffer, taken out at the first (most
        // batches hold none back) and given back emptied, as the batch's own buffers are.
        var last: [HeldBack] = []
        defer {
            if last.capacity > 0 {
                if !last.isEmpty { last.removeAll(keepingCapacity: true) }
                if heldLast.capacity == 0 { swap(&last, &heldLast) }
            }
        }
        for i in list.indices {
            // Switched on as made, so the address and the message move out of the route.
            switch Machine.route(list[i]) {
            case .write: continue
            case let .sendLast(address, message):
                if last.capacity == 0 { swap(&last, &heldLast) }
                last.append(HeldBack(address: address, message: message))
            case let .send(address, message):
                if !last.isEmpty { guard try sendHeldBack(&last, to: address, &steps) else { return false } }
                guard steps.take() else { return false }
                send(message, to: address)
            case .other:
                guard steps.take() else { return false }
                try perform(list[i])
            }
        }
        for k in last.indices {
            guard steps.take() else { return false }
            send(last[k].message, to: last[k].address)
        }
        return true
    }

    /// Sends the messages held back (`last`) that go to `address`, in order, and keeps the
    /// others held back, in their order. False when an armed crash stopped it.
    private func sendHeldBack(_ last: inout [HeldBack], to address: Address, _ steps: inout Steps) throws -> Bool {
        var kept = 0
        for k in last.indices {
            guard last[k].address == address else {
                if kept != k { last.swapAt(kept, k) }
                kept += 1
                continue
            }
            guard steps.take() else { return false }
            send(last[k].message, to: address)
        }
        if kept < last.count { last.removeSubrange(kept...) }
        return true
    }

    /// The batch's effects, taken out of the driver (which is left with none).
    private func takeHeld() -> (list: [Machine.Effect], others: Int) {
        var list: [Machine.Effect] = []
        swap(&list, &held)
        defer { others = 0 }
        return (list, others)
    }

    /// Hands back the storage of a batch's effects, emptied, for the next batch to append
    /// into (to the pool, when the driver has one), unless a batch was started meanwhile
    /// (then it is simply dropped).
    private func giveBack(_ effects: inout (list: [Machine.Effect], others: Int)) {
        if let pools { return pools.effects.put(&effects.list) }
        effects.list.removeAll(keepingCapacity: true)
        if held.isEmpty { swap(&held, &effects.list) }
    }

    /// The same for the storage of a batch's writes, once the store has them.
    private func recycle(_ batch: inout [Machine.Mutation]) {
        if let pools { return pools.writes.put(&batch) }
        batch.removeAll(keepingCapacity: true)
        if writes.isEmpty { swap(&writes, &batch) }
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

    /// Hands a message to the transport; one it did not take is reported (`unsent`).
    private func send(_ message: WireMessage, to address: Address) {
        let outcome = transport.send(message, from: name, to: address)
        if outcome != .sent { unsent(address, message, outcome) }
    }
}

/// A message a commit holds back until the rest of its batch is carried out
/// (`EffectRoute.sendLast`).
private struct HeldBack {
    let address: Address
    let message: WireMessage
}
