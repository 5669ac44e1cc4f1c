import ConfChatCore
import Foundation

/// A peer as a process of its own (`confchat peer`): the same `PeerMachine` as in the
/// simulator, with real sockets (CURVE), a SQLite data directory, and a clock passed in by
/// the command line (the only place that reads the wall clock).
///
/// Who sent a message is decided by the key its connection authenticated with: the
/// registry's key (given on the command line) or a key the registry vouched for (friends
/// and fellow group members). A message from any other key is rejected, whatever routing
/// id or name it claims.
public final class PeerHost: PeerConsole {
    public let name: String
    public var onEvent: ((PeerEvent) -> Void)?
    /// Diagnostics: rejected input, send failures. The command line prints them.
    public var log: ((String) -> Void)?

    private var machine: PeerMachine
    private let store: SQLitePeerStore
    private let sockets: NodeSockets
    private let crypto: PeerCryptoLayer
    private let registryEndpoint: String
    private let registryKey: [UInt8]
    private let clock: () -> Int64
    private let start: Int64
    private var timers = HostTimers()
    private var nextCommand: CommandID = 1
    private var completions: [CommandID: CommandFailure?] = [:]
    /// Held while the host runs: the lock on the data directory.
    private let directory: DataDirectory

    /// - Parameters:
    ///   - clock: monotonic milliseconds; the host measures time from its first reading.
    ///   - seed: seeds salts and nonces (the command line passes fresh randomness).
    public init(name: String, dataDirectory: String, bind: String, registry: String, registryKey: [UInt8],
                clock: @escaping () -> Int64, seed: UInt64, hashCost: Argon2Hasher.Cost = .interactive) throws {
        guard PeerName.isValidUser(name) else { throw SimulationError.invalidName(name) }
        self.name = name
        self.clock = clock
        self.start = clock()
        self.registryEndpoint = registry
        self.registryKey = registryKey
        directory = try DataDirectory(path: dataDirectory, role: .peer(name))
        store = try SQLitePeerStore(directory: dataDirectory)
        let keys = try NodeKeys.loadOrCreate(in: dataDirectory)
        let sealer = MessageSealer(seed: seed ^ 0x5EA1, cost: hashCost)
        crypto = PeerCryptoLayer(user: name, keys: keys, sealer: sealer)
        sockets = try NodeSockets(context: try Simulator.context(), name: name, bind: bind, keys: keys)
        machine = PeerMachine(name: name, endpoint: sockets.endpoint, config: PeerConfig(), durable: try store.load(),
                              hasher: Argon2Hasher(cost: hashCost, seed: seed), prover: sealer)
        machine.publicKey = keys.publicKey
        crypto.log = { [weak self] in self?.log?($0) }
        sockets.handshakes.onFailure = { [weak self] endpoint in
            guard let self else { return }
            let whose = endpoint == registryEndpoint ? "the registry at \(endpoint)" : endpoint
            log?("the CURVE handshake with \(whose) failed: it does not hold the key this peer was given for it")
        }
    }

    deinit { sockets.close() }

    public var endpoint: String { sockets.endpoint }
    public var dataDirectory: String { directory.path }
    public var publicKey: [UInt8] { crypto.keys.publicKey }

    private var now: SimInstant { SimInstant(milliseconds: clock() - start) }

    // MARK: PeerConsole

    public func run(_ command: PeerCommand) throws -> CommandFailure? {
        let id = nextCommand
        nextCommand += 1
        crypto.starting(command)
        try handle(.command(id, command))
        let deadline = clock() + machine.config.requestTimeout + 1000
        while completions[id] == nil, clock() < deadline {
            // Ctrl-C at the prompt cancels the wait (the signal interrupts the poll).
            if let stop = PromptInterrupt.takeStop() {
                crypto.finished(succeeded: false)
                return CommandFailure("\(stop) while waiting for the registry; it may still carry out the request")
            }
            _ = try pump(until: nil, timeoutMs: Int(deadline - clock()), stopWhen: { self.completions[id] != nil })
        }
        var result = completions.removeValue(forKey: id) ?? CommandFailure("no answer in time")
        crypto.finished(succeeded: result == nil)
        if let failure = result, failure.message.hasPrefix("the registry did not answer") {
            // Say why, as far as this side can tell.
            result = CommandFailure(failure.message + (sockets.handshakes.failing.contains(registryEndpoint)
                ? ": the CURVE handshake with \(registryEndpoint) fails, so the registry there is not the one whose key was given (--registry-key-file)"
                : " (is a registry running at \(registryEndpoint)?)"))
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

    public func storedOrder() throws -> [MessageLedger.Key] { try store.storedOrder() }
    public func storedTimes() throws -> [MessageLedger.Key: Int64] { try store.storedTimes() }

    public func settle(timeoutMs: Int) throws {
        let deadline = clock() + Int64(timeoutMs)
        while machine.isLoggedIn, clock() < deadline {
            let waiting = machine.durable.conversations.contains { friend, c in
                !c.unacked.isEmpty && machine.sees(friend) == true
            }
            if !waiting { return }
            _ = try pump(until: nil, timeoutMs: 100, stopWhen: { false })
        }
    }

    /// Handles input and timers until `fd` is readable, `stopWhen` holds, or time runs out.
    private func pump(until fd: Int32?, timeoutMs: Int, stopWhen: () -> Bool) throws -> Bool {
        let deadline = timeoutMs < 0 ? Int64.max : clock() + Int64(timeoutMs)
        while true {
            while let t = timers.popDue(now) { try handle(.timer(t)) }
            if stopWhen() { return false }
            let left = deadline == Int64.max ? 60_000 : deadline - clock()
            if left <= 0 { return false }
            let ready = try sockets.wait(fd: fd, timeoutMs: Int(timers.wait(from: now, cap: left)))
            if ready.inbox { try drainInbox() }
            if ready.fd { return true }
            if PromptInterrupt.interrupted != 0 || PromptInterrupt.terminated != 0 { return false }  // the caller looks
        }
    }

    /// The user an authenticated key belongs to, as far as this peer knows.
    private func sender(ofKey hex: String?) -> String? {
        guard let hex else { return nil }
        if hex == NodeKeys.hex(registryKey) { return PeerName.registry }
        return machine.durable.keys.first { NodeKeys.hex($0.value) == hex }?.key
    }

    private func drainInbox() throws {
        for _ in 0..<1000 {
            guard let (routingId, frames, key) = try sockets.receive() else { return }
            let claimed = PeerName.isValid(String(decoding: routingId, as: UTF8.self)) ? String(decoding: routingId, as: UTF8.self) : "an unnamed connection"
            guard let from = sender(ofKey: key) else {
                log?("rejected a message claiming to be from \(claimed.debugDescription): its key is not one we know")
                continue
            }
            guard frames.count == 1 else {
                log?("rejected a message of \(frames.count) frame(s) from \(from)")
                continue
            }
            let message: WireMessage
            do { message = try WireCodec.decode(frames[0]) } catch {
                log?("rejected a frame from \(from): \(error)")
                continue
            }
            for input in crypto.inputs(from: from, message) { try handle(input) }
        }
    }

    private func handle(_ input: PeerMachine.Input) throws {
        try WriteAhead.carryOut(machine.handle(input, now: now), mutation: \.mutation,
                                commit: { try store.apply($0) }, then: carryOut)
    }

    /// One effect that is not a write.
    private func carryOut(_ effect: PeerEffect) {
        switch effect {
        case .persist: preconditionFailure("writes are committed by WriteAhead")
        case let .send(address, message):
            let durable = machine.durable
            guard let sealed = crypto.outbound(message, keyOf: { durable.keys[$0] }) else { return }
            let (ep, key): (String, [UInt8]?) = switch address {
            case .registry: (registryEndpoint, registryKey)
            case let .peer(peer, e): (e, durable.keys[peer])
            }
            guard let key else { return log?("no key for \(address.name) yet: \(message.kind.name) not sent") ?? () }
            if let error = sockets.send(to: ep, serverKey: key, WireCodec.encode(sealed)) {
                log?("could not send \(message.kind.name) to \(address.name): \(error)")
            }
        case let .schedule(timer, at): timers.schedule(timer, at: at)
        case let .completed(id, failure): completions[id] = failure
        case let .event(e): onEvent?(e)
        }
    }
}
