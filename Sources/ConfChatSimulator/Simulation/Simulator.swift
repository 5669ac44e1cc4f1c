import ConfChatCore
import ConfChatCrypto
import ConfChatDriver
import ConfChatScenario
import ConfChatStorage
import ConfChatZMQ
import Foundation
import HeapModule

/// A whole conf-chat network in one process: the registry, virtual peers, a simulated clock.
///
/// The simulator is the shell around the pure machines: each runs in a `NodeDriver` (which
/// commits its writes, then carries out its sends over `SimLinks` and hands the simulator
/// its timers, replies and events), and the simulator decides which input comes next: the
/// next message in send order, the next timer due. Time moves only when asked (`advance`),
/// so a 10-second presence timeout costs no wall time.
public final class Simulator {
    public let options: SimOptions
    public internal(set) var now = SimInstant.zero
    public var trace: (any TraceSink)?

    package let network: SimNetwork
    package var peers: [String: SimPeer] = [:]
    /// The same peers by their number in `network` (nil for the registry's).
    var peerAt: [SimPeer?] = []
    /// The registry's number in `network`.
    let registryNode: SimNetwork.NodeID
    /// Runs the registry's machine (nil while the registry is down) over `registryStore`.
    private(set) var registryDriver: NodeDriver<RegistryMachine>!
    package var registryStore: any RegistryStore {
        didSet { registryDriver.store = registryStore.driven }
    }
    /// On disk, the one log every node's commits go to before they reach its own database
    /// (`RunLog`); nil in memory.
    package let runLog: RunLog?
    /// Password checks the registry asked for while handling its current input.
    private var pendingChecks: [PasswordCheck] = []
    /// The nodes with handled inputs waiting for one group commit (`settle(grouped:)`).
    var batch = GroupBatch()
    /// The peers holding back messages nobody waits on (`HeldBackLinks`), in the order each
    /// first held one since they were last released (`releaseHeldBack`).
    var holding: [HeldBackLinks] = []
    var registryEndpoint: String?
    var timers = Heap<SimTimer>()
    /// The peers' drivers take turns, so they share their batches' buffers: a peer keeps
    /// none between its inputs (`BufferPool`). Emptied once the network has settled (`settle`).
    let peerBuffers = BufferPool<PeerEffect>()
    /// Every frame is decoded through it, so the nodes share each endpoint and key instead
    /// of holding a copy a friend (`WireInterner`).
    let interner = WireInterner()
    var timerOrder: UInt64 = 0
    var nextCommand: CommandID = 1
    /// Commands' answers until their issuers take them (`CompletionTable`).
    var completions = CompletionTable()
    /// The frame being sent (`transmit`): one buffer, reused for every message, since libzmq
    /// copies what it sends.
    private var frame: [UInt8] = []
    /// Crashes armed for the middle of a node's next input that writes, one a node, by
    /// node (see `FaultPlan`, `arm`).
    public internal(set) var faultPlans: [String: FaultPlan] = [:]
    /// Sees every event of every peer as it happens (the attached prompt listens here).
    public var eventObserver: ((String, PeerEvent) -> Void)?
    /// The registry's password hasher (its checks run here, in order). It remembers the last
    /// hash it made, so a LOGIN right after its REGISTER costs no second Argon2id.
    package var registryHasher: LastHashMemory<Argon2Hasher>
    /// Where each peer machine's hasher gets its seed, one a start: the run's seed, so runs
    /// are reproducible, and no peer's salts depend on what another hashed.
    var hasherSeeds: SplitMix64
    /// Every peer's sealing, backup key, proofs and local credentials (`MessageSealer`).
    package let sealer: MessageSealer
    /// Where every node's key pair comes from: the run's seed, so runs are reproducible.
    var keySource: SplitMix64
    let registryKeys: NodeKeys
    /// The peers' timing and switches; `dedupe` may change before peers boot (Simulator+FaultInjection).
    var config: PeerConfig
    /// `NodeDriver.writesFirst` for the drivers of peers declared from now on (Simulator+FaultInjection).
    var driversWriteFirst = true

    public init(options: SimOptions, trace: (any TraceSink)? = nil) throws {
        // Before the run's log and libzmq start their threads (`FileTable`).
        FileTable.reserve()
        self.options = options
        self.trace = trace
        self.registryHasher = LastHashMemory(Argon2Hasher(cost: options.hashCost, seed: options.seed))
        self.hasherSeeds = SplitMix64(seed: options.seed &+ 0x5A17)
        var config = PeerConfig(presenceTimeout: options.presenceTimeout)
        config.dedupe = options.dedupe
        config.requestTimeout = min(options.requestBudget, Self.maxRequestBudget)
        self.config = config
        self.sealer = MessageSealer(seed: options.seed &+ 0x5EA1, cost: options.hashCost)
        self.keySource = SplitMix64(seed: options.seed &+ 0xC0DE)
        self.registryKeys = NodeKeys.derive(from: &keySource)
        network = SimNetwork(context: try ZMQContext.shared(inprocOnly: options.transport == .inproc),
                             transport: try SimTransport(kind: options.transport),
                             seed: options.seed &+ 0x4E37)
        registryNode = network.register(PeerName.registry)
        runLog = try options.storage.directory.map { try RunLog(folder: $0) }
        registryStore = try Self.makeRegistryStore(options.storage, log: runLog)
        registryDriver = NodeDriver(name: PeerName.registry, machine: nil, store: registryStore.driven,
                                    transport: SimLinks(self, node: registryNode),
                                    perform: { [unowned self] in self.performAtRegistry($0) })
        try startRegistry()
    }

    deinit { shutDown() }

    /// Closes every socket and brings every database up to date from the run's log, so that
    /// each data directory holds all the run wrote (and opens in `sqlite3`). A database that
    /// cannot be written is reported on standard error: the run is over, there is no one
    /// else to tell.
    public func shutDown() {
        network.shutDown()
        do { try runLog?.checkpoint() } catch {
            FileHandle.standardError.write(Data("confchat: the data directories may miss the run's last writes: \(error)\n".utf8))
        }
    }

    static func makeRegistryStore(_ storage: SimOptions.Storage, log: RunLog?) throws -> any RegistryStore {
        guard let dir = storage.directory, let log else { return MemoryRegistryStore() }
        return LoggedStore(try SQLiteRegistryStore(directory: dir + "/registry", durability: .simulated), log: log)
    }

    func peerDirectory(_ name: String) -> String? {
        if case let .disk(dir) = options.storage { return "\(dir)/peers/\(name)" }
        return nil
    }

    func makePeerStore(_ name: String) throws -> any PeerStore {
        guard let dir = peerDirectory(name), let runLog else { return MemoryPeerStore() }
        return LoggedStore(try SQLitePeerStore(directory: dir, durability: .simulated), log: runLog)
    }

    /// Records a trace event. The event is built only when a trace is listening: formatting
    /// a message's fields costs more than sending it.
    public func emit(_ kind: @autoclosure () -> TraceEvent.Kind) {
        guard let trace else { return }
        trace.record(TraceEvent(time: now, kind: kind()))
    }

    // MARK: - Peers

    /// Creates and starts declared peers (a `peers` line). Declaring a peer twice is harmless.
    public func declare(_ names: [String]) throws {
        // The new names in order, up to the first that is not a valid user name (refused below,
        // once those before it are declared). Their key pairs are drawn from `keySource` in
        // that order, so they are the keys one at a time would give, but computed on every
        // core (`NodeKeys.derive(_:from:)`).
        var fresh: [String] = []
        var seen = Set<String>()
        for name in names where peers[name] == nil && seen.insert(name).inserted {
            fresh.append(name)
            if !PeerName.isValidUser(name) { break }
        }
        let keys = NodeKeys.derive(fresh.count - (fresh.last.map(PeerName.isValidUser) == false ? 1 : 0), from: &keySource)
        for (i, name) in fresh.enumerated() {
            guard PeerName.isValidUser(name) else { throw SimulationError.invalidName(name) }
            let crypto = PeerCryptoLayer(user: name, keys: keys[i], sealer: sealer)
            let store = try makePeerStore(name)
            let node = network.register(name)
            // The crypto layer asks the machine for a key and the password at every message
            // it seals: it reads them in the driver's stored machine, in place (`peek`).
            // Through `peers[name]?.machine`, or even `driver.machine`, it copied the whole
            // machine (a retain and a release of every field) each time. Unowned: the driver
            // owns the layer.
            //
            // Unowned, not weak, here and below: a weak reference gives the object a side
            // table for good, and every retain and release of it then takes the runtime's slow
            // path (about 95 instructions a release, 83 an unowned load, where a plain release
            // is 18): the simulator, each peer and each driver are retained and released
            // several times a message (docs/performance.md). Peers are never removed from the
            // simulator, and these closures run only while it drives them, so the references
            // cannot outlive what they point to.
            unowned var machineOwner: NodeDriver<PeerMachine>?
            // The peer, for the effects the driver hands back: by reference, not by a name
            // look-up an effect. Unowned: the peer owns its driver.
            unowned var owner: SimPeer?
            let sealing = SealingTransport(crypto: crypto, next: SimLinks(self, node: node)) { name in
                machineOwner?.peek { $0.durable.keys[name] } ?? nil
            }
            let unsent: (Address, WireMessage, SendOutcome) -> Void = { [unowned self] _, _, outcome in
                // Drops are traced by `transmit`; what the crypto layer withheld is noted here.
                if case let .withheld(why) = outcome { self.emit(.note(node: name, text: why)) }
            }
            // Backup entries wait in front of the crypto layer until the network settles.
            let links = HeldBackLinks(self, name: name, next: sealing, unsent: unsent)
            let driver = NodeDriver<PeerMachine>(
                name: name, machine: nil, store: store.driven, transport: links,
                perform: { [unowned self] in if let owner { self.perform($0, of: owner) } },
                unsent: unsent, pool: peerBuffers)
            machineOwner = driver
            crypto.password = { [unowned driver] in driver.peek { $0.password } ?? nil }
            driver.writesFirst = driversWriteFirst
            let peer = SimPeer(name: name, directory: peerDirectory(name), store: store, crypto: crypto, driver: driver,
                               links: links, seed: options.seed &+ 0x4E3C)
            crypto.log = { [unowned self] text in self.emit(.note(node: name, text: text)) }
            owner = peer
            peers[name] = peer
            if peerAt.count <= node { peerAt += Array(repeating: nil, count: node + 1 - peerAt.count) }
            peerAt[node] = peer
            try boot(peer)
        }
    }

    /// Starts a peer's machine from its store, logged out.
    func boot(_ peer: SimPeer) throws {
        let endpoint = try network.attach(peer.name, previous: peer.endpoint, keys: peer.crypto.keys)
        peer.endpoint = endpoint
        try startMachine(peer)
    }

    /// Starts a peer's machine, logged out, from what its store holds.
    func startMachine(_ peer: SimPeer) throws {
        guard let endpoint = peer.endpoint else { throw SimulationError.invalidState("\(peer.name) has no endpoint yet") }
        peer.machine = PeerMachine(name: peer.name, endpoint: endpoint, config: config, durable: try peer.store.load(),
                                   hasher: Argon2Hasher(cost: options.hashCost, seed: hasherSeeds.next()), prover: sealer,
                                   publicKey: peer.crypto.keys.publicKey)
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
        let incarnation = p.incarnation
        try deliver(p, .command(id, command))
        try settle()
        let deadline = now + config.requestTimeout + 1000
        // A fault point may crash the peer part way through the command or an input after
        // it: then no answer comes, and what it did is what its data directory kept.
        while !completions.isAnswered(id), now < deadline, p.incarnation == incarnation {
            try advance(by: 100)
        }
        if let result = completions.take(id) { return result }
        guard p.incarnation == incarnation else { return CommandFailure("\(name) crashed before the command completed") }
        return CommandFailure("no answer within \(config.requestTimeout + 1000)ms")
    }

    // MARK: - Driving machines

    /// Runs one input of a peer, a batch of one: its writes committed, then its effects
    /// carried out, before the next input. A crash armed for the peer happens part way.
    func deliver(_ p: SimPeer, _ input: PeerMachine.Input) throws {
        guard p.isUp else { return }
        p.driver.handle(input, now: now)
        if p.driver.hasWrites, let limit = takeFault(for: p.name) { p.driver.armCrash(afterSteps: limit) }
        guard let crash = try p.driver.commit() else { return }
        emit(.fault(.crashPartWay(node: p.name, step: crash.step, steps: crash.steps, handling: describe(input))))
        try self.crash(p.name, announce: false)
    }

    /// Carries out one effect of a peer that is neither a write nor a send.
    func perform(_ effect: PeerEffect, of p: SimPeer) {
        switch effect {
        case .persist, .send: break  // the driver's own
        case let .schedule(timer, at):
            timerOrder += 1
            timers.insert(SimTimer(at: at, order: timerOrder, peer: p, timer: timer))
        case let .completed(id, failure): completions.record(id, failure)
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

    /// Sends a message from node `node` (named `from`) over the network and traces what became of it.
    func transmit(from: String, node: SimNetwork.NodeID, to address: Address, _ message: WireMessage) -> SendOutcome {
        let endpoint: String?
        // The registry's number is known: its name need not be looked up at every BACKUP.
        var toID: SimNetwork.NodeID?
        switch address {
        case .registry: (endpoint, toID) = (registryEndpoint, registryNode)
        case let .peer(_, ep): endpoint = ep
        }
        let kind = message.kind.name
        guard let endpoint else {
            emit(.drop(from: from, to: address.name, kind: kind, reason: "\(address.name) is down"))
            return .dropped(reason: "\(address.name) is down")
        }
        do { try WireCodec.encode(message, into: &frame) } catch {
            emit(.drop(from: from, to: address.name, kind: kind, reason: "\(error)"))
            return .dropped(reason: "\(error)")
        }
        switch network.send(from: node, to: address.name, id: toID, endpoint: endpoint, payload: frame, now: now) {
        case let .sent(first, more):
            // A message that arrives at once (always, on a perfect network) is traced as it
            // always was; a delayed or duplicated one says when each copy arrives.
            let atOnce = first == now && more.isEmpty
            emit(.send(from: from, to: address.name, kind: kind, fields: TraceFormatter.fields(message),
                       transit: atOnce ? nil : TraceEvent.Transit(arrival: first, duplicate: false)))
            for at in more {
                emit(.send(from: from, to: address.name, kind: kind, fields: TraceFormatter.fields(message),
                           transit: TraceEvent.Transit(arrival: at, duplicate: true)))
            }
            return .sent
        case .lost:
            emit(.lost(from: from, to: address.name, kind: kind, fields: TraceFormatter.fields(message)))
            return .sent
        case let .dropped(reason):
            emit(.drop(from: from, to: address.name, kind: kind, reason: reason))
            return .dropped(reason: reason)
        }
    }

    /// The most messages one settling may handle (chaos sets one; a benchmark settles
    /// hundreds of thousands at once).
    public var settleLimit = Int.max

    /// Delivers every message in flight, and those they cause, until none is left, each
    /// message a batch of its own. Simulated time does not move while settling.
    public func settle() throws { try settle(grouped: false) }

    /// Moves the clock forward, firing due timers in order and settling after each. The
    /// clock jumps from one due timer to the next: a span with nothing due costs nothing.
    /// Messages still in flight (a settling that stopped at its horizon) arrive on the way.
    public func advance(by ms: Int64) throws {
        let target = now + ms
        while true {
            let due = timers.min?.at
            if let arrival = network.nextArrival, arrival <= target, due.map({ arrival < $0 }) ?? true {
                try settle()
                try watch?(now, target)
                continue
            }
            guard let due, due <= target else { break }
            guard try fireNextTimer() else { continue }
            try settle()
            try watch?(now, target)
        }
        now = max(now, target)
        try watch?(now, target)
    }

    /// Fires the earliest timer, moving the clock to it; false if it was stale (its peer
    /// crashed or restarted since it was set).
    func fireNextTimer() throws -> Bool {
        guard let t = timers.popMin() else { return false }
        let p = t.peer
        guard p.isUp, p.timerIncarnation == t.incarnation else { return false }
        now = max(now, t.at)
        try deliver(p, .timer(t.timer))
        return true
    }

    /// Called after each timer fired and its effects settled while `advance` moves the clock,
    /// with the time and the target: how `confchat run` shows the progress of a long wait,
    /// and how the attached prompt shows it and stops a long `wait` on Ctrl-C (by throwing).
    /// It never changes what the simulation does.
    public var watch: ((_ now: SimInstant, _ target: SimInstant) throws -> Void)?

    /// When the next timer falls due (perhaps one of a crashed peer, which will not fire), or
    /// the next message in flight arrives, whichever comes first: until then nothing can change.
    public var nextTimerDue: SimInstant? {
        switch (timers.min?.at, network.nextArrival) {
        case let (t?, m?): min(t, m)
        case let (t, m): t ?? m
        }
    }

    // MARK: - Registry

    func startRegistry() throws {
        registryEndpoint = try network.attach(PeerName.registry, previous: registryEndpoint, keys: registryKeys)
        registry = RegistryMachine(durable: try registryStore.load())
    }

    /// The registry's machine: nil while it is down.
    var registry: RegistryMachine? {
        get { registryDriver.machine }
        set { registryDriver.machine = newValue }
    }

    func registryHandle(from: String, _ message: WireMessage) throws {
        try atRegistry(.received(from: from, message), handling: "\(message.kind.name) from \(from)")
    }

    /// Runs one input of the registry machine, a batch of one. A password check runs at
    /// once, after the effects before it, and its outcome is the next input: the same order
    /// every run (the standalone registry runs checks on a worker thread). `what` names the
    /// input for a fault's trace line, and is built only then.
    private func atRegistry(_ input: RegistryInput, handling what: @autoclosure () -> String) throws {
        guard registryDriver.isUp else { return }
        registryDriver.handle(input, now: now)
        if registryDriver.hasWrites, let limit = takeFault(for: PeerName.registry) { registryDriver.armCrash(afterSteps: limit) }
        let crash = try registryDriver.commit()
        let checks = takeChecks()
        if let crash {
            emit(.fault(.crashPartWay(node: PeerName.registry, step: crash.step, steps: crash.steps, handling: what())))
            return try crashRegistry(announce: false)
        }
        try runChecks(checks)
    }

    /// Runs password checks the registry asked for, each outcome an input of its own.
    func runChecks(_ checks: [PasswordCheck]) throws {
        for c in checks {
            try atRegistry(.passwordChecked(c.id, c.run(&registryHasher)), handling: "a password check")
        }
    }

    /// Takes the registry's password checks asked for since the last call.
    func takeChecks() -> [PasswordCheck] {
        defer { pendingChecks = [] }
        return pendingChecks
    }

    /// Carries out one effect of the registry that is neither a write nor a send.
    private func performAtRegistry(_ effect: RegistryEffect) {
        switch effect {
        case .persist, .send: break  // the driver's own
        case let .note(text): emit(.note(node: PeerName.registry, text: text))
        case let .checkPassword(check): pendingChecks.append(check)
        }
    }

    public var registryIsUp: Bool { registryDriver.isUp }
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
