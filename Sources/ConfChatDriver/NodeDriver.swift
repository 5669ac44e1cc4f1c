import ConfChatCore

/// The one loop around a pure machine: take an input, run the machine, commit its writes,
/// then carry out its other effects. The simulator, the standalone hosts, the bench and the
/// core's test harness all drive their machines through it.
///
/// Group commit is how it works: `handle` runs the machine and keeps what it asked for;
/// `commit` writes every kept mutation in one transaction, and only then carries out the
/// kept effects (sends, timers, replies to the user) in the order the machine made them, but
/// for the messages nobody waits on (a peer's backup entries), which go after the rest of
/// the batch (`EffectKind.sendLast`): a CHAT and its delivery do not wait for them. So
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
    /// The machine itself: changed in place by `handle`, read in place by `peek`. No
    /// observer on it: an observed property is copied out and back at each access.
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

    /// Every effect of the batch in the order the machine made them, writes included: the
    /// machine appends into this buffer itself (`DrivenMachine.handle(_:now:into:)`), the
    /// store reads the writes where they lie (`NodeStore.apply(count:_:)`), and they are
    /// skipped when the rest is carried out. Emptied and reused batch after batch, so
    /// handling and committing an input makes no array.
    private var held: [Machine.Effect] = []
    /// How many of `held` are writes not yet handed to the store, all at `unwritten` or after.
    private var writes = 0
    /// Where in `held` the writes not yet handed to the store begin: past those `stage` handed
    /// it already.
    private var unwritten = 0
    /// How many of `held` are not writes: the steps a commit carries out after its transaction.
    private var others = 0
    /// Where a commit keeps the places in its batch of the messages it holds back until the
    /// rest is carried out (`EffectKind.sendLast`): emptied and reused batch after batch.
    private var heldLast: [Int] = []
    /// Where the effects' buffer comes from and goes back to between batches, when the node
    /// shares it with others that take turns (`BufferPool`: the simulator's nodes); nil: the
    /// driver keeps its own.
    private let pool: BufferPool<Machine.Effect>?

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
                pool: BufferPool<Machine.Effect>? = nil) {
        self.name = name
        self.pool = pool
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
    /// every message (a key, the password) costs no copy of the machine. Borrowed where it
    /// lies, through the same access `handle` changes it by (`running!` passed `inout`):
    /// moved out of the optional and back (`take`), the machine's octets were copied twice
    /// a read, about 360 instructions (3.5 M for the 9,893 password reads of the generated
    /// 10,000-statement scenario). `read` must not reach the driver again (the access is
    /// exclusive while it runs).
    public func peek<R>(_ read: (borrowing Machine) -> R) -> R? {
        guard isUp else { return nil }
        return Self.borrow(&running!, read)
    }

    /// Hands `read` the machine where it lies: an `inout` parameter is passed by address,
    /// and `read` borrows it from there.
    @inline(__always)
    private static func borrow<R>(_ machine: inout Machine, _ read: (borrowing Machine) -> R) -> R {
        read(machine)
    }

    /// Whether inputs were handled since the last commit.
    public var hasPending: Bool { writes > 0 || others > 0 }

    /// Whether the inputs handled since the last commit wrote anything: a fault point waits
    /// for such an input, since one that writes nothing has nothing to lose part way.
    public var hasWrites: Bool { writes > 0 }

    /// Runs the machine on one input and keeps its effects for the next `commit`. A node that
    /// is down ignores its input.
    public func handle(_ input: Machine.Input, now: SimInstant) {
        // `isUp`, not `running` matched against nil: that match copied the whole machine (a
        // retain and a release of every field, about 6 k instructions a delivered message).
        guard isUp else { return }
        if held.capacity == 0, let pool { held = pool.take() }  // a batch starts: its buffer from the pool
        let start = held.endIndex
        // Changed where it lies (a modify access of `running`): no copy, so no second reference
        // that would make the first write to each of its dictionaries and arrays copy it whole.
        // Moved out and back instead (`take`), the machine was copied as octets three times an
        // input (a `memcpy` each, and the emptied optional destroyed).
        running!.handle(input, now: now, into: &held)
        // By index, each effect read where it lies: a `for` over the slice copies each one.
        for i in start..<held.endIndex {
            if case .write = Machine.kind(of: held[i]) { writes += 1 } else { others += 1 }
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
        var effects = takeHeld()
        defer { giveBack(&effects.list) }
        let (writes, writesFirst) = (effects.writes, writesFirst)
        var steps = Steps(limit: limit, total: (writes.count == 0 ? 0 : 1) + effects.others)
        let finished = try effects.list.withUnsafeMutableBufferPointer { list in
            if writesFirst, writes.count > 0 {
                guard steps.take() else { return false }
                try write(list, writes)
            }
            guard try carryOut(list, &steps) else { return false }
            if !writesFirst, writes.count > 0 {
                guard steps.take() else { return false }
                try write(list, writes)
            }
            return true
        }
        return finished ? limit.map { _ in steps.crash } : steps.crash
    }

    /// The first half of a group commit across nodes that share a store's log (the
    /// simulator's rounds): hands what the handled inputs wrote to the store as one
    /// transaction, not yet flushed. The caller flushes once for every node it staged, then
    /// `release`s each: so a round of the whole network is one write, and still nothing
    /// leaves a node before the write it follows is durable. No armed crash is carried out.
    public func stage() throws {
        guard writes > 0 else { return }
        let staged = (from: unwritten, count: writes)
        try held.withUnsafeMutableBufferPointer { try apply($0, staged) }
        unwritten = held.endIndex
        writes = 0
    }

    /// The second half of a group commit (`stage`): carries out the kept effects in order
    /// (as `commit` does), once the staged writes are flushed. Writes handled since `stage`
    /// (none, in the simulator's rounds) are committed first, as `commit` would.
    public func release() throws {
        var effects = takeHeld()
        defer { giveBack(&effects.list) }
        let writes = effects.writes
        var steps = Steps(limit: nil, total: effects.others)
        try effects.list.withUnsafeMutableBufferPointer { list in
            if writes.count > 0 { try write(list, writes) }
            _ = try carryOut(list, &steps)  // the writes are staged already
        }
    }

    /// A batch's effects, as the commit reads them (`lend`).
    private typealias Batch = UnsafeMutableBufferPointer<Machine.Effect>

    /// Lends `body` the effect at `i` of `list`: moved out, lent, and moved back, so the
    /// batch is whole again after. Read where it lay, the effect was copied (a retain of every
    /// string and array in it, a release after) each time it was handed on to code the
    /// compiler cannot see through (the transport, the store, the node), since that code
    /// might change the batch meanwhile; a value of its own it lends as it is.
    private static func lend<R>(_ list: Batch, _ i: Int, _ body: (Machine.Effect) throws -> R) rethrows -> R {
        precondition(list.indices.contains(i), "no effect \(i) in a batch of \(list.count)")
        let at = list.baseAddress! + i
        let effect = at.move()
        defer { at.initialize(to: effect) }
        return try body(effect)
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
    /// them, except that a message nobody waits on (`EffectKind.sendLast`) waits until the
    /// rest is carried out, or until just before the batch's next message to the same
    /// address. Each effect is read where it lies in `list` (`DrivenMachine.withMessage`), a
    /// held-back one by its place. False when an armed crash stopped it.
    private func carryOut(_ list: Batch, _ steps: inout Steps) throws -> Bool {
        // The places of the messages held back: in the driver's buffer, taken out at the
        // first (most batches hold none back) and given back emptied.
        var last: [Int] = []
        defer {
            if last.capacity > 0 {
                last.removeAll(keepingCapacity: true)
                if heldLast.capacity == 0 { swap(&last, &heldLast) }
            }
        }
        for i in list.indices {
            switch Machine.kind(of: list[i]) {
            case .write: continue
            case .sendLast:
                if last.capacity == 0 { swap(&last, &heldLast) }
                last.append(i)
            case .send:
                let sent = Self.lend(list, i) { effect in
                    var sent = false
                    Machine.withMessage(of: effect) { address, message in
                        guard last.isEmpty || sendHeldBack(list, &last, to: address, &steps), steps.take() else { return }
                        send(message, to: address)
                        sent = true
                    }
                    return sent
                }
                if !sent { return false }
            case .other:
                guard steps.take() else { return false }
                try Self.lend(list, i, perform)
            }
        }
        for k in last {
            guard steps.take() else { return false }
            Self.lend(list, k) { Machine.withMessage(of: $0) { address, message in send(message, to: address) } }
        }
        return true
    }

    /// Sends the messages held back (`last`: their places in `list`) that go to `address`,
    /// in order, and keeps the others held back, in their order. False when an armed crash
    /// stopped it.
    private func sendHeldBack(_ list: Batch, _ last: inout [Int], to address: Address, _ steps: inout Steps) -> Bool {
        var kept = 0
        for k in last.indices {
            var stopped = false
            var sent = false
            Self.lend(list, last[k]) { effect in
                Machine.withMessage(of: effect) { to, message in
                    guard to == address else { return }
                    sent = true
                    stopped = !steps.take()
                    if !stopped { send(message, to: to) }
                }
            }
            if stopped { return false }
            if !sent {
                last[kept] = last[k]
                kept += 1
            }
        }
        if kept < last.count { last.removeSubrange(kept...) }
        return true
    }

    /// The batch's effects, taken out of the driver (which is left with none), and where
    /// those of its writes not yet handed to the store lie.
    private func takeHeld() -> (list: [Machine.Effect], writes: (from: Int, count: Int), others: Int) {
        var list: [Machine.Effect] = []
        swap(&list, &held)
        defer { (writes, unwritten, others) = (0, 0, 0) }
        return (list, (unwritten, writes), others)
    }

    /// Hands back the storage of a batch's effects, emptied, for the next batch to append
    /// into (to the pool, when the driver has one), unless a batch was started meanwhile
    /// (then it is simply dropped).
    private func giveBack(_ list: inout [Machine.Effect]) {
        if let pool { return pool.put(&list) }
        list.removeAll(keepingCapacity: true)
        if held.isEmpty { swap(&held, &list) }
    }

    /// `handle` and `commit`: a batch of one input.
    @discardableResult
    public func run(_ input: Machine.Input, now: SimInstant) throws -> Crash? {
        handle(input, now: now)
        return try commit()
    }

    /// One transaction, flushed: a store that logs makes it durable here.
    private func write(_ list: Batch, _ writes: (from: Int, count: Int)) throws {
        try apply(list, writes)
        try store.flush()
    }

    /// Hands the store the writes of `list` from `writes.from` on as one transaction, each
    /// read where it lies.
    private func apply(_ list: Batch, _ writes: (from: Int, count: Int)) throws {
        try store.apply(count: writes.count) { body in
            for i in writes.from..<list.endIndex {
                if case .write = Machine.kind(of: list[i]) { try Self.lend(list, i) { try Machine.withMutation(of: $0, body) } }
            }
        }
        transactions += 1
    }

    /// Hands a message to the transport; one it did not take is reported (`unsent`).
    private func send(_ message: WireMessage, to address: Address) {
        let outcome = transport.send(message, from: name, to: address)
        if outcome != .sent { unsent(address, message, outcome) }
    }
}
