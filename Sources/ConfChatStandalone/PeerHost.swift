import ConfChatCore
import ConfChatCrypto
import ConfChatDriver
import ConfChatStorage
import ConfChatZMQ
import Foundation

/// A peer as a process of its own (`confchat peer`): the same `PeerMachine` as in the
/// simulator, with real sockets (CURVE), a SQLite data directory, and a clock passed in by
/// the command line (the only place that reads the wall clock).
///
/// Who sent a message is decided by the key its connection authenticated with: the
/// registry's key (given on the command line) or a key the registry vouched for (friends
/// and fellow group members). A message from any other key is rejected, whatever routing
/// id or name it claims.
public final class PeerHost {
    public let name: String
    public var onEvent: ((PeerEvent) -> Void)?
    /// Diagnostics: rejected input, send failures. The command line prints them.
    public var log: ((String) -> Void)?
    /// Whether the user asked the command in progress to stop (Ctrl-C or SIGTERM at the
    /// prompt, which owns the signals), and why; asked while a command waits for the
    /// registry. `consume` takes a Ctrl-C: the wait ends with a failure. Without it the
    /// waiting only returns, for its caller to look. Never, unless the prompt sets it.
    public var stopRequest: (_ consume: Bool) -> (any Error)? = { _ in nil }

    private let store: SQLitePeerStore
    private let sockets: NodeSockets
    private let crypto: PeerCryptoLayer
    private let registryEndpoint: String
    private let registryKey: [UInt8]
    private let clock: () -> Int64
    /// The clock's milliseconds to a real one (`--time-scale`): the poll waits real time.
    private let clockRate: Int64
    private let start: Int64
    private var timers = HostTimers()
    private var nextCommand: CommandID = 1
    private var completions: [CommandID: CommandFailure?] = [:]
    /// Runs the machine: commits to the data directory, sends (sealed) over the sockets.
    private var driver: NodeDriver<PeerMachine>!
    private var machine: PeerMachine { driver.machine! }
    /// The keys `holders` was built from, and who holds each (`sender(ofKey:)`).
    private var indexedKeys: [String: [UInt8]] = [:]
    private var holders: [[UInt8]: String] = [:]
    /// Held while the host runs: the lock on the data directory.
    private let directory: DataDirectory

    /// - Parameters:
    ///   - clock: monotonic milliseconds; the host measures time from its first reading.
    ///   - seed: seeds salts and nonces (the command line passes fresh randomness).
    ///   - advertise: the endpoint friends and the registry are told to reach this peer at,
    ///     when it is not the one bound (a proxy's, a NAT's); nil: the bound one.
    ///   - connectFrom: the local address outgoing connections are made from; nil: any.
    ///   - registryReconnectMs: how often to try the registry again while it is down (real
    ///     milliseconds).
    ///   - clockRate: how many of `clock`'s milliseconds pass in a real one (`--time-scale`).
    ///   - limits: what its inbox may be made to hold (connections, frames, queues): anyone
    ///     who knows its public key can connect there.
    public init(name: String, dataDirectory: String, bind: String, registry: String, registryKey: [UInt8],
                clock: @escaping () -> Int64, seed: UInt64, hashCost: Argon2Hasher.Cost = .interactive,
                config: PeerConfig = PeerConfig(), advertise: String? = nil, connectFrom: String? = nil,
                registryReconnectMs: Int32 = 100, clockRate: Int64 = 1, limits: InboxLimits = .peer) throws {
        guard PeerName.isValidUser(name) else { throw StartupError("'\(name)' is not a valid peer name") }
        self.name = name
        self.clock = clock
        self.clockRate = max(1, clockRate)
        self.start = clock()
        self.registryEndpoint = registry
        self.registryKey = registryKey
        directory = try DataDirectory(path: dataDirectory, role: .peer(name))
        store = try SQLitePeerStore(directory: dataDirectory)
        let keys = try NodeKeys.loadOrCreate(in: dataDirectory)
        let sealer = MessageSealer(seed: seed ^ 0x5EA1, cost: hashCost)
        crypto = PeerCryptoLayer(user: name, keys: keys, sealer: sealer)
        sockets = try NodeSockets(context: try ZMQContext.shared(), name: name, bind: bind, keys: keys,
                                  registry: (registry, registryKey, registryReconnectMs), source: connectFrom, limits: limits)
        let machine = PeerMachine(name: name, endpoint: advertise ?? sockets.endpoint, config: config, durable: try store.load(),
                                  hasher: Argon2Hasher(cost: hashCost, seed: seed), prover: sealer, publicKey: keys.publicKey)
        let links = SocketTransport(sockets)
        driver = NodeDriver(
            name: name, machine: machine, store: store.driven,
            transport: SealingTransport(crypto: crypto, next: links) { [unowned self] user in self.driver.peek { $0.durable.keys[user] } ?? nil },
            perform: { [unowned self] in self.perform($0) },
            unsent: { [unowned self] in self.log?(SocketTransport.describe($0, $1, $2)) })
        links.resolve = { [unowned self] address in
            switch address {
            case .registry: (registry, registryKey)
            case let .peer(peer, endpoint): (self.driver.peek { $0.durable.keys[peer] } ?? nil).map { (endpoint, $0) }
            }
        }
        crypto.log = { [weak self] in self?.log?($0) }
        sockets.inboxConnections?.onRefused = { [weak self] in self?.log?($0) }
        crypto.password = { [unowned self] in self.driver.peek { $0.password } ?? nil }
        sockets.handshakes.onFailure = { [weak self] endpoint, failure in
            guard let self else { return }
            log?(failure.logLine(endpoint == registryEndpoint ? "the registry at \(endpoint)" : endpoint))
        }
    }

    deinit { sockets.close() }

    public var endpoint: String { sockets.endpoint }
    public var dataDirectory: String { directory.path }
    public var publicKey: [UInt8] { crypto.keys.publicKey }

    private var now: SimInstant { SimInstant(milliseconds: clock() - start) }

    // MARK: What the prompt drives (PeerConsole)

    public func run(_ command: PeerCommand) throws -> CommandFailure? {
        let id = nextCommand
        nextCommand += 1
        try driver.run(.command(id, command), now: now)
        let deadline = clock() + machine.config.requestTimeout + 1000
        while completions[id] == nil, clock() < deadline {
            // Ctrl-C at the prompt cancels the wait (the signal interrupts the poll).
            if let stop = stopRequest(true) {
                return CommandFailure("\(stop) while waiting for the registry; it may still carry out the request")
            }
            _ = try pump(until: nil, timeoutMs: Int(deadline - clock()), stopWhen: { self.completions[id] != nil })
        }
        var result = completions.removeValue(forKey: id) ?? CommandFailure("no answer in time")
        if let failure = result, failure.registryUnanswered {
            // Nothing of the unanswered request may be carried out when the registry returns.
            sockets.dropRegistryQueue()
            // Say why, as far as this side can tell.
            result = CommandFailure(failure.message + (sockets.handshakes.failing[registryEndpoint].map { ": " + $0.unansweredReason(registryEndpoint) }
                ?? " (is a registry running at \(registryEndpoint)?)"))
        }
        return result
    }

    public func state() throws -> PeerDurableState { machine.durable }
    public func sees(_ friend: String) throws -> Bool? { machine.sees(friend) }
    public func isLoggedIn() throws -> Bool { machine.isLoggedIn }
    public func registryAnswers() throws -> Bool? { machine.registryAnswers }

    public func pump(until fd: Int32, timeoutMs: Int) throws -> Bool {
        try pump(until: fd, timeoutMs: timeoutMs, stopWhen: { false })
    }

    public func storedOrder() throws -> [ChatRecord.Key] { try store.storedOrder() }
    public func storedTimes() throws -> [ChatRecord.Key: Int64] { try store.storedTimes() }

    /// Before a piped peer exits: handles input until every friend has confirmed what was sent
    /// to it, or `timeoutMs` runs out. Every friend, not only those seen online: right after a
    /// login the friends' HELLOs are still on their way, and a message sent then reaches an
    /// online friend only once its HELLO is in. What is unconfirmed at the deadline waits in the
    /// outbox (and the registry's mailbox) for the next start.
    public func settle(timeoutMs: Int) throws {
        let deadline = clock() + Int64(timeoutMs)
        while machine.isLoggedIn, clock() < deadline {
            let waiting = machine.durable.conversations.contains { friend, c in
                !c.unacked.isEmpty && machine.durable.friends[friend] != nil
            }
            if !waiting { return }
            _ = try pump(until: nil, timeoutMs: 100, stopWhen: { false })
        }
    }

    /// Runs the peer driven by its control channel (`--control`): answers each request with
    /// `handle` while handling input and timers, until `lifeline` (the runner's pipe) ends.
    public func serve(control: ControlChannel, lifeline: Int32, handle: (String) -> ControlChannel.Reply) throws {
        while true {
            while try control.answerWaiting(handle) {}
            if try pump(until: lifeline, control: control.socket, timeoutMs: -1, stopWhen: { false }), ControlChannel.lifelineEnded(lifeline) {
                return
            }
        }
    }

    /// Handles input and timers until `fd` is readable (true), `stopWhen` holds, the control
    /// channel has a request, or time runs out.
    private func pump(until fd: Int32?, control: ZMQSocket? = nil, timeoutMs: Int, stopWhen: () -> Bool) throws -> Bool {
        let deadline = timeoutMs < 0 ? Int64.max : clock() + Int64(timeoutMs)
        while true {
            while let t = timers.popDue(now) { try driver.run(.timer(t), now: now) }
            if stopWhen() { return false }
            let left = deadline == Int64.max ? 60_000 : deadline - clock()
            if left <= 0 { return false }
            // The timers are on the clock; the poll waits real milliseconds (rounded up). On
            // the clock's own scale a peer at --time-scale K with nothing arriving slept K times
            // too long, and its heartbeats and retries went out late.
            let wait = timers.wait(from: now, cap: left)
            let ready = try sockets.wait(fds: fd.map { [$0] } ?? [], control: control, timeoutMs: Int((wait + clockRate - 1) / clockRate))
            if ready.inbox { try drainInbox() }
            // A wake-up with nothing to read: give back what a burst of connections left in
            // the heap (as the registry does).
            if !ready.inbox, ready.fds.first != true, !ready.control { sockets.trimHeap() }
            if ready.fds.first == true { return true }
            if ready.control { return false }
            if stopRequest(false) != nil { return false }  // the caller looks
        }
    }

    /// The user an authenticated key (hex, as the ZAP handler names it) belongs to, as far as
    /// this peer knows: one look-up in an index by key, rebuilt only when the keys the
    /// machine holds have changed.
    private func sender(ofKey hex: String?) -> String? {
        guard let hex, let key = NodeKeys.fromHex(hex) else { return nil }
        if key == registryKey { return PeerName.registry }
        let keys = machine.durable.keys
        if keys != indexedKeys {
            indexedKeys = keys
            holders = Dictionary(keys.map { ($0.value, $0.key) }, uniquingKeysWith: min)
        }
        return holders[key]
    }

    /// Handles what waits in the inbox, a thousand messages at most, as one batch: one
    /// transaction for all their writes, then their effects in order (a group commit, as
    /// `RegistryHost` does). The prompt places each delivered message by its delivery event
    /// (`MessageLedger.delivered`), so a state that runs ahead of the reports misleads nobody.
    private func drainInbox() throws {
        for _ in 0..<1000 {
            guard let (claimed, body, frames, key) = try sockets.receive() else { break }
            guard let from = sender(ofKey: key) else {
                log?("rejected a message claiming to be from \(claimed.debugDescription): its key is not one we know")
                continue
            }
            guard frames == 1 else {
                log?("rejected a message of \(frames) frame(s) from \(from)")
                continue
            }
            let message: WireMessage
            do { message = try WireCodec.decode(body) } catch {
                log?("rejected a frame from \(from): \(error)")
                continue
            }
            for input in crypto.inputs(from: from, message) { driver.handle(input, now: now) }
        }
        try driver.commit()
    }

    /// Carries out one effect that is neither a write nor a send (the driver's own).
    private func perform(_ effect: PeerEffect) {
        switch effect {
        case .persist, .send: break
        case let .schedule(timer, at): timers.schedule(timer, at: at)
        case let .completed(id, failure): completions[id] = failure
        case let .event(e): onEvent?(e)
        }
    }
}
