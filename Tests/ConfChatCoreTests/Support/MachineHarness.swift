import ConfChatCore
import ConfChatDriver
import Testing

/// A whole conf-chat network with no sockets, no disk and no clock: one `RegistryMachine`,
/// any number of `PeerMachine`s, a FIFO of messages in flight and a fake clock.
///
/// Each machine runs in a `NodeDriver`, as in the simulator and the standalone nodes, each
/// input a batch of its own: its writes go to an in-memory store (the "disk", which survives
/// `crash`), then its sends to the harness's in-memory transport, the back of one FIFO (so
/// nodes handle messages in the order they were sent); timers wait in a list sorted by
/// (time, order scheduled) and fire only when `advance` moves the clock past them. Every
/// message is encoded and decoded on its way, so the codec sees all real traffic too.
///
/// Faults: `crash` drops a machine and what is in flight to it; `restart` builds a new one
/// from its disk; `wipe` also empties the disk; `partition` drops messages between two nodes.
/// Setting `holding` leaves sent messages in flight so a test can reorder or duplicate them.
final class MachineHarness {
    struct Envelope: Hashable, CustomStringConvertible {
        var from: String
        var to: String
        var message: WireMessage
        var description: String { "\(from)->\(to) \(message.kind.name)" }
    }

    struct Logged {
        var at: SimInstant
        var peer: String
        var event: PeerEvent
    }

    /// How a user's command ended.
    enum Outcome: Hashable, CustomStringConvertible {
        case done
        case refused(String)
        case noAnswer
        var description: String {
            switch self {
            case .done: "done"
            case let .refused(why): "refused: \(why)"
            case .noAnswer: "no answer"
            }
        }
    }

    private struct PendingTimer {
        var at: SimInstant
        var order: UInt64
        var peer: String
        var incarnation: Int
        var timer: PeerTimer
    }

    let config: PeerConfig
    var hasher = FakeHasher()
    private(set) var now = SimInstant.zero

    /// Runs the registry's machine (nil while it is down) over `registryStore`.
    private var registryDriver: NodeDriver<RegistryMachine>!
    private let registryStore = InMemoryStore(RegistryDurableState())
    private var pendingChecks: [PasswordCheck] = []
    private(set) var registryNotes: [String] = []

    private var drivers: [String: NodeDriver<PeerMachine>] = [:]
    private var stores: [String: InMemoryStore<PeerDurableState>] = [:]
    private var links: Links!
    private var endpoints: [String: String] = [:]
    private var incarnation: [String: Int] = [:]

    /// Each loses the next message sent that it matches (then is gone): a lossy network.
    var toLose: [(Envelope) -> Bool] = []
    /// When true, `settle` delivers nothing: sent messages stay in `inFlight`.
    var holding = false
    private(set) var inFlight: [Envelope] = []
    /// Every message a node asked to send, delivered or not, in order.
    private(set) var sent: [Envelope] = []
    /// Messages that could not be delivered (node down, partition, stale endpoint).
    private(set) var dropped: [Envelope] = []
    private(set) var log: [Logged] = []
    /// When each peer last received anything from each other node: `lastHeard[to]?[from]`.
    private(set) var lastHeard: [String: [String: SimInstant]] = [:]

    private var timers: [PendingTimer] = []
    private var timerOrder: UInt64 = 0
    private var nextCommand: CommandID = 1
    private var completions: [CommandID: CommandFailure?] = [:]
    private var cut: Set<Set<String>> = []
    /// The public key each peer announces from its next boot on (none by default, as the
    /// harness seals nothing): a test that gives one a new key before `wipe` plays the key
    /// pair a real wipe loses.
    var publicKeys: [String: [UInt8]] = [:]

    init(presenceTimeout: Int64 = 3_000) {
        config = PeerConfig(presenceTimeout: presenceTimeout)
        links = Links(self)
        registryDriver = NodeDriver(name: PeerName.registry, machine: RegistryMachine(durable: RegistryDurableState()),
                                    store: registryStore, transport: links, perform: { [unowned self] in self.perform($0) })
    }

    /// The harness's in-memory transport, as the drivers see it.
    private final class Links: Transport {
        unowned let harness: MachineHarness
        init(_ harness: MachineHarness) { self.harness = harness }
        func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome {
            harness.transmit(from: node, to: address, message)
        }
    }

    var registry: RegistryMachine? { registryDriver.machine }
    /// What the registry persisted: it survives `crashRegistry`.
    var registryDisk: RegistryDurableState { registryStore.state }
    /// What each peer persisted: it survives `crash`.
    var disks: [String: PeerDurableState] { stores.mapValues(\.state) }

    // MARK: - Nodes

    /// Adds peers with empty data directories, reachable at `inproc://<name>`.
    func addPeers(_ names: String...) {
        for name in names {
            stores[name] = InMemoryStore(PeerDurableState())
            boot(name, endpoint: "inproc://\(name)")
        }
    }

    private func boot(_ name: String, endpoint: String) {
        endpoints[name] = endpoint
        incarnation[name, default: 0] += 1
        let machine = PeerMachine(name: name, endpoint: endpoint, config: config, durable: stores[name]!.state, hasher: hasher,
                                  prover: FakeProver(), publicKey: publicKeys[name] ?? [])
        if let driver = drivers[name] {
            driver.machine = machine
            driver.store = stores[name]!
        } else {
            drivers[name] = NodeDriver(name: name, machine: machine, store: stores[name]!, transport: links,
                                       perform: { [unowned self] in self.perform($0, at: name) })
        }
    }

    func machine(_ name: String) -> PeerMachine {
        guard let m = drivers[name]?.machine else { preconditionFailure("\(name) is down") }
        return m
    }

    func isUp(_ name: String) -> Bool { drivers[name]?.machine != nil }

    /// Kills a peer: its memory, its timers and what is in flight to it are gone; its disk stays.
    func crash(_ name: String) {
        drivers[name]?.machine = nil
        inFlight.removeAll { $0.to == name }
    }

    /// Starts a crashed (or running) peer again from its disk, logged out, optionally at a new endpoint.
    func restart(_ name: String, endpoint: String? = nil) {
        crash(name)
        boot(name, endpoint: endpoint ?? endpoints[name]!)
    }

    /// Starts a peer again from a data directory given whole (an older version's, say), logged out.
    func restart(_ name: String, disk: PeerDurableState) {
        crash(name)
        stores[name] = InMemoryStore(disk)
        boot(name, endpoint: endpoints[name]!)
    }

    /// Loses a peer's data directory and starts it again, empty.
    func wipe(_ name: String) {
        crash(name)
        stores[name] = InMemoryStore(PeerDurableState())
        boot(name, endpoint: endpoints[name]!)
    }

    func crashRegistry() {
        registryDriver.machine = nil
        inFlight.removeAll { $0.to == PeerName.registry }
    }

    /// The registry comes back from its disk, knowing no one online.
    func restartRegistry() {
        registryDriver.machine = RegistryMachine(durable: registryDisk)
    }

    /// Puts `entries` in `user`'s backup on the registry's disk, as if it had taken each
    /// BACKUP, and restarts the registry from that disk: for backups too large to send one
    /// message at a time (the harness compares each node's state with its disk at every input).
    func seedBackup(_ user: String, _ entries: [BackupEntry]) {
        try! registryStore.apply(entries.map { .addBackup(user: user, $0) })
        restartRegistry()
    }

    /// Messages between `a` and `b` are dropped (both ways) until `heal`.
    func partition(_ a: String, _ b: String) { cut.insert([a, b]) }
    func heal() { cut.removeAll() }

    // MARK: - Commands and time

    /// Runs a user's command, lets the network settle, and waits in simulated time (firing
    /// timers) until the command completes or the peer's request timeout has surely passed.
    @discardableResult
    func run(_ name: String, _ command: PeerCommand) -> Outcome {
        let id = nextCommand
        nextCommand += 1
        handle(name, .command(id, command))
        settle()
        let deadline = now + config.requestTimeout + 1_000
        while completions[id] == nil, now < deadline { advance(by: 100) }
        guard let result = completions.removeValue(forKey: id) else { return .noAnswer }
        return result.map { .refused($0.message) } ?? .done
    }

    /// Hands a peer a user's command without waiting for it (see `outcome`), then settles.
    func start(_ name: String, _ command: PeerCommand) -> CommandID {
        let id = nextCommand
        nextCommand += 1
        feed(name, .command(id, command))
        return id
    }

    /// How a command handed over by `start` completed; nil while it has not.
    func outcome(_ id: CommandID) -> Outcome? {
        completions[id].map { $0.map { .refused($0.message) } ?? .done }
    }

    /// Delivers messages in flight, and those they cause, in send order until none is left.
    func settle() {
        guard !holding else { return }
        while !inFlight.isEmpty { deliver(inFlight.removeFirst()) }
    }

    /// Delivers the first message in flight that matches, out of order. Returns false if none did.
    @discardableResult
    func deliverFirst(where match: (Envelope) -> Bool) -> Bool {
        guard let i = inFlight.firstIndex(where: match) else { return false }
        deliver(inFlight.remove(at: i))
        return true
    }

    /// Loses the first message in flight that matches, as a lossy link would. Returns false if none did.
    @discardableResult
    func lose(where match: (Envelope) -> Bool) -> Bool {
        guard let i = inFlight.firstIndex(where: match) else { return false }
        dropped.append(inFlight.remove(at: i))
        return true
    }

    /// Runs the network for `duration` ms in steps of `step`: what `match` picks arrives `delay`
    /// ms after it was sent (at the first step after), the rest at once, in order. `each` runs
    /// at the start of every step, with its number (a test's own sends). What is still delayed
    /// at the end arrives then. A receiver, a registry or a link that is behind, as a test sees it.
    func run(for duration: Int64, delaying match: (Envelope) -> Bool, by delay: Int64, step: Int64 = 100,
             each: (Int) -> Void = { _ in }) {
        var late: [(at: SimInstant, envelope: Envelope)] = []
        let wasHolding = holding
        holding = true
        func pass() {
            repeat {
                while let i = inFlight.firstIndex(where: match) { late.append((now + delay, inFlight.remove(at: i))) }
            } while deliverFirst(where: { _ in true })
        }
        let end = now + duration
        var n = 0
        while now < end {
            each(n)
            n += 1
            pass()
            while let l = late.first, l.at <= now {
                late.removeFirst()
                deliver(l.envelope)
                pass()
            }
            advance(by: step)
        }
        for l in late { deliver(l.envelope) }
        holding = wasHolding
        settle()
    }

    /// `peer` does nothing for `ms` (a stopped process, a thread that gets no core): the others
    /// run on time, what is sent to it waits, and at the end its timers due meanwhile fire,
    /// late, before it reads what waits for it, as a standalone peer's loop does.
    func stall(_ peer: String, for ms: Int64) {
        let wasHolding = holding
        holding = true
        let end = now + ms
        func pass() { while deliverFirst(where: { $0.to != peer }) {} }
        pass()
        while let i = timers.firstIndex(where: { $0.peer != peer }), timers[i].at <= end {
            let t = timers.remove(at: i)
            guard isUp(t.peer), incarnation[t.peer] == t.incarnation else { continue }
            now = t.at
            handle(t.peer, .timer(t.timer))
            pass()
        }
        now = end
        while let i = timers.firstIndex(where: { $0.peer == peer }), timers[i].at <= end {
            let t = timers.remove(at: i)
            guard isUp(t.peer), incarnation[t.peer] == t.incarnation else { continue }
            handle(t.peer, .timer(t.timer))
        }
        holding = wasHolding
        settle()
    }

    /// Hands a message to a node as if `from` had sent it (a retransmission, a forged frame...).
    func inject(from: String, to: String, _ message: WireMessage) {
        sent.append(Envelope(from: from, to: to, message: message))
        deliver(Envelope(from: from, to: to, message: message))
        settle()
    }

    /// Hands a peer an input from its shell (such as mail the shell could not open), then settles.
    func feed(_ name: String, _ input: PeerMachine.Input) {
        handle(name, input)
        settle()
    }

    /// Moves the clock forward by `ms`, firing due timers in order and settling after each.
    func advance(by ms: Int64) { advance(to: now + ms) }

    func advance(to target: SimInstant) {
        while let t = timers.first, t.at <= target {
            timers.removeFirst()
            guard isUp(t.peer), incarnation[t.peer] == t.incarnation else { continue }
            now = t.at
            handle(t.peer, .timer(t.timer))
            settle()
        }
        if target > now { now = target }
    }

    // MARK: - Carrying out effects

    /// Runs one input of a peer through its driver: writes to its disk, then its effects.
    private func handle(_ name: String, _ input: PeerMachine.Input) {
        guard let driver = drivers[name], driver.machine != nil else { return }
        do { try driver.run(input, now: now) } catch { Issue.record("\(name): \(error)") }
        // Every durable change must be announced as a `persist` effect, or a crash would lose it.
        if let m = driver.machine, stores[name]!.state != m.durable {
            Issue.record("\(name): durable state differs from what was persisted")
        }
    }

    /// Carries out one effect of a peer that is neither a write nor a send.
    private func perform(_ effect: PeerEffect, at name: String) {
        switch effect {
        case .persist, .send: break  // the driver's own
        case let .schedule(timer, at):
            timerOrder += 1
            let t = PendingTimer(at: at, order: timerOrder, peer: name, incarnation: incarnation[name]!, timer: timer)
            let i = timers.firstIndex { ($0.at, $0.order) > (t.at, t.order) } ?? timers.endIndex
            timers.insert(t, at: i)
        case let .completed(id, failure):
            completions[id] = failure
        case let .event(e):
            log.append(Logged(at: now, peer: name, event: e))
        }
    }

    /// Password checks run at once, in order, as in the simulator.
    private func atRegistry(_ input: RegistryInput) {
        guard registryDriver.machine != nil else { return }
        do { try registryDriver.run(input, now: now) } catch { Issue.record("registry: \(error)") }
        if let r = registryDriver.machine, registryDisk != r.durable {
            Issue.record("registry: durable state differs from what was persisted")
        }
        let checks = pendingChecks
        pendingChecks = []
        for c in checks { atRegistry(.passwordChecked(c.id, c.run(&hasher))) }
    }

    private func perform(_ effect: RegistryEffect) {
        switch effect {
        case .persist, .send: break  // the driver's own
        case let .note(text): registryNotes.append(text)
        case let .checkPassword(check): pendingChecks.append(check)
        }
    }

    private func transmit(from: String, to address: Address, _ message: WireMessage) -> SendOutcome {
        let envelope = Envelope(from: from, to: address.name, message: message)
        sent.append(envelope)
        // Through the codec, as on the wire.
        do {
            let decoded = try WireCodec.decode(try WireCodec.encode(message))
            if decoded != message { Issue.record("\(envelope): codec changed \(message) into \(decoded)") }
        } catch {
            Issue.record("\(envelope): codec refused or rejected its own message: \(error)")
        }
        let reachable: Bool = switch address {
        case .registry: registry != nil
        case let .peer(name, endpoint): isUp(name) && endpoints[name] == endpoint
        }
        guard reachable, !cut.contains([from, address.name]) else {
            dropped.append(envelope)
            return .dropped(reason: reachable ? "partition" : "\(address.name) is unreachable")
        }
        if let i = toLose.firstIndex(where: { $0(envelope) }) {
            // Lost on the way, as on a lossy network: the sender believes it sent it.
            toLose.remove(at: i)
            dropped.append(envelope)
            return .sent
        }
        inFlight.append(envelope)
        return .sent
    }

    private func deliver(_ e: Envelope) {
        if e.to == PeerName.registry {
            atRegistry(.received(from: e.from, e.message))
        } else if isUp(e.to) {
            lastHeard[e.to, default: [:]][e.from] = now
            handle(e.to, .received(from: e.from, e.message))
        }
    }

    // MARK: - Queries

    func events(_ peer: String) -> [PeerEvent] { log.filter { $0.peer == peer }.map(\.event) }

    /// What `peer` delivered to its user, in order, as `from#seq text` (`[group] from#seq text` for a group).
    func delivered(_ peer: String) -> [String] {
        events(peer).compactMap {
            guard case let .delivered(from, seq, text, group) = $0 else { return nil }
            return (group.map { "[\($0)] " } ?? "") + "\(from)#\(seq) \(text)"
        }
    }

    /// Presence changes `peer` reported, as `friend online|offline (reason)`.
    func presence(_ peer: String) -> [String] {
        events(peer).compactMap {
            if case let .presence(friend, online, reason) = $0 { "\(friend) \(online ? "online" : "offline") (\(reason))" } else { nil }
        }
    }

    /// Messages of `kind` sent (attempted) from `from` to `to`.
    func sent(_ kind: MessageKind, from: String, to: String) -> [WireMessage] {
        sent.filter { $0.from == from && $0.to == to && $0.message.kind == kind }.map(\.message)
    }

    /// CHATs sent (attempted) from `from` to `to`, as `#seq text`: what a test compares when the
    /// proof each carries does not matter.
    func chats(from: String, to: String) -> [String] {
        sent(.chat, from: from, to: to).compactMap {
            if case let .chat(seq, body, _) = $0 { "#\(seq) \(String(decoding: body, as: UTF8.self))" } else { nil }
        }
    }

    /// A conversation's texts on `peer`'s disk, as `#seq text`.
    func conversation(_ peer: String, with other: String, outgoing: Bool) -> [String] {
        let c = stores[peer]?.state.conversations[other] ?? Conversation()
        return (outgoing ? c.sent : c.received).map { "#\($0.seq) \($0.text)" }
    }

    /// Forgets recorded traffic and events, to assert on what follows only.
    func clearRecords() {
        sent.removeAll()
        dropped.removeAll()
        log.removeAll()
    }

    // MARK: - Common set-ups

    /// alice and bob, registered, logged in and friends, with the records of all that cleared.
    static func twoFriends(presenceTimeout: Int64 = 3_000) -> MachineHarness {
        let h = MachineHarness(presenceTimeout: presenceTimeout)
        h.addPeers("alice", "bob")
        h.registerAndLogin("alice", "bob")
        h.befriend("alice", "bob")
        h.clearRecords()
        return h
    }

    /// Registers each peer with password `pw-<name>` and logs it in.
    func registerAndLogin(_ names: String...) {
        for name in names {
            #expect(run(name, .register(password: "pw-\(name)")) == .done, "\(name) register")
            #expect(run(name, .login(password: "pw-\(name)")) == .done, "\(name) login")
        }
    }

    /// Makes `a` and `b` friends (a asks, b accepts); both must be logged in.
    func befriend(_ a: String, _ b: String) {
        #expect(run(a, .addFriend(b)) == .done, "\(a) add-friend \(b)")
        #expect(run(b, .accept(a)) == .done, "\(b) accept \(a)")
    }

    /// `owner` creates `group`, invites each member (a friend), and each joins; all logged in.
    func makeGroup(_ group: String, owner: String, members: [String]) {
        #expect(run(owner, .group(.create(group))) == .done, "\(owner) create-group \(group)")
        for m in members {
            #expect(run(owner, .group(.invite(group: group, member: m))) == .done, "\(owner) invite \(group) \(m)")
            #expect(run(m, .group(.join(group))) == .done, "\(m) join \(group)")
        }
    }
}
