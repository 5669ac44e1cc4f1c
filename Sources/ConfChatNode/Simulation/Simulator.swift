import ConfChatCore
import ConfChatScenario
import Foundation
import HeapModule

/// A whole conf-chat network in one process: the registry, virtual peers, a simulated clock.
///
/// The simulator is the shell around the pure machines: it feeds them inputs, carries out
/// their effects (SQLite writes, ZeroMQ sends, timers) and lets the network settle. Time
/// moves only when asked (`advance`), so a 10-second presence timeout costs no wall time.
public final class Simulator {
    public let options: SimOptions
    public private(set) var now = SimInstant.zero
    public var trace: (any TraceSink)?

    let network: SimNetwork
    var peers: [String: SimPeer] = [:]
    var registry: RegistryMachine?
    var registryStore: any RegistryStore
    var registryEndpoint: String?
    var timers = Heap<SimTimer>()
    var timerOrder: UInt64 = 0
    var nextCommand: CommandID = 1
    var completions: [CommandID: CommandFailure?] = [:]
    /// A crash armed for the middle of a node's next input (see `FaultPlan`).
    public var faultPlan: FaultPlan?
    /// Sees every event of every peer as it happens (the attached prompt listens here).
    public var eventObserver: ((String, PeerEvent) -> Void)?
    let hasher: Argon2Hasher
    let sealer: MessageSealer
    /// Where every node's key pair comes from: the run's seed, so runs are reproducible.
    var keySource: SplitMix64
    let registryKeys: NodeKeys
    /// The peers' timing and switches; `dedupe` may change before peers boot (Simulator+FaultInjection).
    var config: PeerConfig

    nonisolated(unsafe) static var sharedContext: ZMQContext?
    private static let contextLock = NSLock()

    /// The process's one ZeroMQ context, made on first use.
    static func context() throws -> ZMQContext {
        try contextLock.withLock {
            if let c = sharedContext { return c }
            let c = try ZMQContext()
            sharedContext = c
            return c
        }
    }

    public init(options: SimOptions, trace: (any TraceSink)? = nil) throws {
        self.options = options
        self.trace = trace
        self.hasher = Argon2Hasher(cost: options.hashCost, seed: options.seed)
        var config = PeerConfig(presenceTimeout: options.presenceTimeout)
        config.dedupe = options.dedupe
        self.config = config
        self.sealer = MessageSealer(seed: options.seed &+ 0x5EA1, cost: options.hashCost)
        self.keySource = SplitMix64(seed: options.seed &+ 0xC0DE)
        self.registryKeys = NodeKeys.derive(from: &keySource)
        network = SimNetwork(context: try Self.context(), transport: try SimTransport(kind: options.transport))
        registryStore = try Self.makeRegistryStore(options.storage)
        try startRegistry()
    }

    deinit { network.shutDown() }

    /// Closes every socket and leaves the data directory as it is.
    public func shutDown() { network.shutDown() }

    static func makeRegistryStore(_ storage: SimOptions.Storage) throws -> any RegistryStore {
        switch storage {
        case let .disk(dir): try SQLiteRegistryStore(directory: dir + "/registry")
        case .memory: MemoryRegistryStore()
        }
    }

    func peerDirectory(_ name: String) -> String? {
        if case let .disk(dir) = options.storage { return "\(dir)/peers/\(name)" }
        return nil
    }

    func makePeerStore(_ name: String) throws -> any PeerStore {
        if let dir = peerDirectory(name) { return try SQLitePeerStore(directory: dir) }
        return MemoryPeerStore()
    }

    /// Records a trace event. The event is built only when a trace is listening: formatting
    /// a message's fields costs more than sending it.
    func emit(_ kind: @autoclosure () -> TraceEvent.Kind) {
        guard let trace else { return }
        trace.record(TraceEvent(time: now, kind: kind()))
    }

    // MARK: - Peers

    /// Creates and starts declared peers (a `peers` line). Declaring a peer twice is harmless.
    public func declare(_ names: [String]) throws {
        for name in names where peers[name] == nil {
            guard PeerName.isValidUser(name) else { throw SimulationError.invalidName(name) }
            let crypto = PeerCryptoLayer(user: name, keys: NodeKeys.derive(from: &keySource), sealer: sealer)
            let peer = SimPeer(name: name, directory: peerDirectory(name), store: try makePeerStore(name), crypto: crypto)
            crypto.log = { [weak self] text in self?.emit(.note(node: name, text: text)) }
            peers[name] = peer
            try boot(peer)
        }
    }

    /// Starts a peer's machine from its store, logged out.
    func boot(_ peer: SimPeer) throws {
        let endpoint = try network.attach(peer.name, previous: peer.endpoint, keys: peer.crypto.keys)
        peer.endpoint = endpoint
        var machine = PeerMachine(name: peer.name, endpoint: endpoint, config: config,
                                  durable: try peer.store.load(), hasher: hasher, prover: sealer)
        machine.publicKey = peer.crypto.keys.publicKey
        peer.machine = machine
    }

    public var peerNames: [String] { peers.keys.sorted() }

    func peer(_ name: String) throws -> SimPeer {
        guard let p = peers[name] else { throw SimulationError.unknownPeer(name) }
        return p
    }

    // MARK: - Commands

    /// Runs a user's command on a peer, lets the network settle, and waits (in simulated
    /// time) for a command that needs the registry until it answers or times out.
    @discardableResult
    public func command(_ name: String, _ command: PeerCommand) throws -> CommandFailure? {
        let p = try peer(name)
        guard p.isUp else { return CommandFailure("\(name) is crashed") }
        let id = nextCommand
        nextCommand += 1
        p.crypto.starting(command)
        try deliver(p, .command(id, command))
        try settle()
        let deadline = now + config.requestTimeout + 1000
        while completions[id] == nil, now < deadline {
            try advance(by: 100)
        }
        let result = completions.removeValue(forKey: id) ?? CommandFailure("no answer within \(config.requestTimeout + 1000)ms")
        p.crypto.finished(succeeded: result == nil)
        return result
    }

    // MARK: - Driving machines

    func deliver(_ p: SimPeer, _ input: PeerMachine.Input) throws {
        guard var m = p.machine else { return }
        // Move the machine out while it works: with a second reference left in `p`, the
        // first write to each of its dictionaries and arrays would copy it whole
        // (copy-on-write), which made every message cost time in proportion to history.
        p.machine = nil
        let effects = m.handle(input, now: now)
        p.machine = m
        guard let limit = takeFault(for: p.name) else {
            // No crash armed, the usual case: the same steps as below, without building them.
            return try WriteAhead.carryOut(effects, mutation: \.mutation, commit: { try p.store.apply($0) }) { carryOut($0, of: p) }
        }
        let steps = FaultPlan.steps(effects)
        for step in steps.prefix(limit) {
            switch step {
            case let .persist(batch): try p.store.apply(batch)
            case let .effect(effect): carryOut(effect, of: p)
            }
        }
        emit(.fault("\(p.name) crashes after step \(min(limit, steps.count)) of \(steps.count) handling \(describe(input))"))
        try crash(p.name, announce: false)
    }

    /// Carries out one effect that is not a write. Writes go first, batched (`FaultPlan.steps`):
    /// consecutive `persist` effects are one transaction, committed before anything after them is sent.
    func carryOut(_ effect: PeerEffect, of p: SimPeer) {
        switch effect {
        case .persist: preconditionFailure("writes are batched by FaultPlan.steps")
        case let .send(address, message):
            // Keys are looked up in place: copying `durable` out would retain all its storage.
            guard let sealed = p.crypto.outbound(message, keyOf: { p.machine?.durable.keys[$0] }) else { return }
            transmit(from: p.name, to: address, sealed)
        case let .schedule(timer, at):
            timerOrder += 1
            timers.insert(SimTimer(at: at, order: timerOrder, peer: p.name, incarnation: p.incarnation, timer: timer))
        case let .completed(id, failure): completions[id] = failure
        case let .event(e): report(e, at: p.name)
        }
    }

    private func describe(_ input: PeerMachine.Input) -> String {
        switch input {
        case let .command(_, c): "command \(c)"
        case let .received(from, m): "\(m.kind.name) from \(from)"
        case let .timer(t): "timer \(t)"
        case let .unopenedMail(from, seq): "unopened mail \(from)#\(seq)"
        }
    }

    func report(_ e: PeerEvent, at name: String) {
        eventObserver?(name, e)
        switch e {
        case let .delivered(from, seq, text, group): emit(.deliver(peer: name, from: from, seq: seq, text: text, group: group))
        case let .groupInvitation(group, owner): emit(.note(node: name, text: "invited to \(group) by \(owner)"))
        case let .groupChanged(group, members): emit(.note(node: name, text: "\(group) members: \(members.joined(separator: " "))"))
        case let .groupRemoved(group, reason): emit(.note(node: name, text: "no longer in \(group): \(reason)"))
        case let .presence(friend, online, reason): emit(.presence(peer: name, friend: friend, online: online, reason: reason))
        case let .friendRequest(from): emit(.note(node: name, text: "friend request from \(from)"))
        case let .friendAdded(other): emit(.note(node: name, text: "now friends with \(other)"))
        case let .friendRemoved(other): emit(.note(node: name, text: "no longer friends with \(other)"))
        case let .duplicate(from, seq): emit(.note(node: name, text: "duplicate \(from)#\(seq) dropped"))
        case let .heldBack(from, seq, expecting): emit(.note(node: name, text: "held back \(from)#\(seq), waiting for #\(expecting)"))
        case let .note(text), let .refused(text): emit(.note(node: name, text: text))
        }
    }

    func transmit(from: String, to address: Address, _ message: WireMessage) {
        let endpoint: String?
        switch address {
        case .registry: endpoint = registryEndpoint
        case let .peer(_, ep): endpoint = ep
        }
        let kind = message.kind.name
        guard let endpoint else {
            return emit(.drop(from: from, to: address.name, kind: kind, reason: "\(address.name) is down"))
        }
        switch network.send(from: from, to: address.name, endpoint: endpoint, payload: WireCodec.encode(message)) {
        case .sent: emit(.send(from: from, to: address.name, kind: kind, fields: TraceFormatter.fields(message)))
        case let .dropped(reason): emit(.drop(from: from, to: address.name, kind: kind, reason: reason))
        }
    }

    /// Delivers every message in flight, and those they cause, until none is left.
    /// Simulated time does not move while settling.
    /// The most messages one settling may handle (chaos sets one; a benchmark settles
    /// hundreds of thousands at once).
    public var settleLimit = Int.max

    public func settle() throws {
        var handled = 0
        while let (from, to, payload) = try network.next() {
            // Messages that keep causing messages at one instant (a livelock, say with a
            // fault-injection knob on) end the run with an error instead of spinning for ever.
            handled += 1
            if handled > settleLimit {
                throw SimulationError.invalidState("the network did not settle: over \(settleLimit) messages at \(now)")
            }
            let message: WireMessage
            do { message = try WireCodec.decode(payload) } catch {
                let reason = payload.isEmpty && !network.rejected.isEmpty ? network.rejected.removeFirst() : "\(error)"
                emit(.reject(at: to, from: from, reason: reason))
                continue
            }
            if to == PeerName.registry {
                try registryHandle(from: from, message)
            } else if let p = peers[to] {
                for input in p.crypto.inputs(from: from, message) { try deliver(p, input) }
            }
        }
    }

    /// Moves the clock forward, firing due timers in order and settling after each. The
    /// clock jumps from one due timer to the next: a span with nothing due costs nothing.
    public func advance(by ms: Int64) throws {
        let target = now + ms
        while let t = timers.min, t.at <= target {
            _ = timers.removeMin()
            guard let p = peers[t.peer], p.isUp, p.incarnation == t.incarnation else { continue }
            now = t.at
            try deliver(p, .timer(t.timer))
            try settle()
            onTimer?(now)
            try watch?(now, target)
        }
        now = target
        try watch?(now, target)
    }

    /// Called after each timer while `advance` moves the clock, with the time and the
    /// target: the attached prompt shows progress and stops a long `wait` here on Ctrl-C
    /// (by throwing). Nil in runs; it never changes what the simulation does.
    public var watch: ((_ now: SimInstant, _ target: SimInstant) throws -> Void)?

    /// When the next timer falls due (perhaps one of a crashed peer, which will not fire):
    /// until then, with the network settled, nothing can change.
    public var nextTimerDue: SimInstant? { timers.min?.at }

    /// Called after each timer fired and its effects settled, with the clock: how
    /// `confchat run` shows the progress of a long wait.
    public var onTimer: ((SimInstant) -> Void)?

    // MARK: - Registry

    func startRegistry() throws {
        registryEndpoint = try network.attach(PeerName.registry, previous: registryEndpoint, keys: registryKeys)
        registry = RegistryMachine(durable: try registryStore.load())
    }

    func registryHandle(from: String, _ message: WireMessage) throws {
        try atRegistry(handling: "\(message.kind.name) from \(from)") { $0.handle(from: from, message, now: now) }
    }

    /// Runs one input of the registry machine and carries out its effects. A password check
    /// runs at once, after the effects before it, and its outcome is the next input: the
    /// same order every run (the standalone registry runs checks on a worker thread).
    private func atRegistry(handling what: String, _ input: (inout RegistryMachine) -> [RegistryEffect]) throws {
        guard var r = registry else { return }
        registry = nil  // moved out while it works, as in `deliver`: no copy-on-write of its state
        let effects = input(&r)
        registry = r
        var checks: [PasswordCheck] = []
        let registryEffect = { (effect: RegistryEffect) in
            switch effect {
            case .persist: preconditionFailure("writes are committed by WriteAhead / FaultPlan.steps")
            case let .send(address, message): self.transmit(from: PeerName.registry, to: address, message)
            case let .note(text): self.emit(.note(node: PeerName.registry, text: text))
            case let .checkPassword(check): checks.append(check)
            }
        }
        guard let limit = takeFault(for: PeerName.registry) else {
            // No crash armed: the steps below, without building them.
            try WriteAhead.carryOut(effects, mutation: \.mutation, commit: { try registryStore.apply($0) }, then: registryEffect)
            for c in checks {
                try atRegistry(handling: "a password check") { $0.passwordChecked(c.id, c.run(hasher), now: now) }
            }
            return
        }
        let steps = FaultPlan.steps(effects)
        for step in steps.prefix(limit) {
            switch step {
            case let .persist(batch): try registryStore.apply(batch)
            case let .effect(effect): registryEffect(effect)
            }
        }
        emit(.fault("registry crashes after step \(min(limit, steps.count)) of \(steps.count) handling \(what)"))
        try crashRegistry(announce: false)
    }

    public var registryIsUp: Bool { registry != nil }
}

/// Misuse of the simulator that a scenario can cause (the checker catches most of it first).
public enum SimulationError: Error, CustomStringConvertible {
    case unknownPeer(String)
    case invalidName(String)
    case invalidState(String)

    public var description: String {
        switch self {
        case let .unknownPeer(n): "no peer named '\(n)' was declared"
        case let .invalidName(n): "'\(n)' is not a valid peer name"
        case let .invalidState(s): s
        }
    }
}
