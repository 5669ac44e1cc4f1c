import ConfChatCore
import Foundation

/// A peer as a process of its own (`confchat peer`): the same `PeerMachine` as in the
/// simulator, with real sockets, a SQLite data directory and a clock passed in by the
/// command line (the only place that reads the wall clock).
public final class PeerHost: PeerConsole {
    public let name: String
    public var onEvent: ((PeerEvent) -> Void)?
    /// Diagnostics: rejected input, send failures. The command line prints them.
    public var log: ((String) -> Void)?

    private var machine: PeerMachine
    private let store: any PeerStore
    private let sockets: NodeSockets
    private let registryEndpoint: String
    private let clock: () -> Int64
    private let start: Int64
    private var timers = HostTimers()
    private var nextCommand: CommandID = 1
    private var completions: [CommandID: CommandFailure?] = [:]

    /// - Parameters:
    ///   - clock: monotonic milliseconds; the host measures time from its first reading.
    ///   - seed: seeds password-hash salts (the command line passes fresh randomness).
    public init(name: String, dataDirectory: String, bind: String, registry: String,
                clock: @escaping () -> Int64, seed: UInt64, hashCost: Argon2Hasher.Cost = .interactive) throws {
        guard PeerName.isValidUser(name) else { throw SimulationError.invalidName(name) }
        self.name = name
        self.clock = clock
        self.start = clock()
        self.registryEndpoint = registry
        store = try SQLitePeerStore(directory: dataDirectory)
        sockets = try NodeSockets(context: try Simulator.context(), name: name, bind: bind)
        machine = PeerMachine(name: name, endpoint: sockets.endpoint, config: PeerConfig(), durable: try store.load(),
                              hasher: Argon2Hasher(cost: hashCost, seed: seed))
    }

    deinit { sockets.close() }

    public var endpoint: String { sockets.endpoint }

    private var now: SimInstant { SimInstant(milliseconds: clock() - start) }

    // MARK: PeerConsole

    public func run(_ command: PeerCommand) throws -> CommandFailure? {
        let id = nextCommand
        nextCommand += 1
        try handle(.command(id, command))
        let deadline = clock() + machine.config.requestTimeout + 1000
        while completions[id] == nil, clock() < deadline {
            _ = try pump(until: nil, timeoutMs: Int(deadline - clock()), stopWhen: { self.completions[id] != nil })
        }
        guard let result = completions.removeValue(forKey: id) else { return CommandFailure("no answer in time") }
        return result
    }

    public func state() throws -> PeerDurableState { machine.durable }
    public func sees(_ friend: String) throws -> Bool? { machine.sees(friend) }
    public func isLoggedIn() throws -> Bool { machine.isLoggedIn }

    public func pump(until fd: Int32, timeoutMs: Int) throws -> Bool {
        try pump(until: fd, timeoutMs: timeoutMs, stopWhen: { false })
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
        }
    }

    private func drainInbox() throws {
        for _ in 0..<1000 {
            guard let (sender, frames) = try sockets.receive() else { return }
            let from = String(decoding: sender, as: UTF8.self)
            guard frames.count == 1, PeerName.isValid(from) else {
                log?("rejected a message of \(frames.count) frame(s) from \(from.debugDescription)")
                continue
            }
            do {
                try handle(.received(from: from, try WireCodec.decode(frames[0])))
            } catch let e as WireError {
                log?("rejected a frame from \(from): \(e)")
            }
        }
    }

    private func handle(_ input: PeerMachine.Input) throws {
        let effects = machine.handle(input, now: now)
        var batch: [PeerMutation] = []
        for effect in effects {
            if case let .persist(m) = effect { batch.append(m); continue }
            if !batch.isEmpty { try store.apply(batch); batch.removeAll() }
            switch effect {
            case .persist: break
            case let .send(address, message):
                let ep: String
                switch address {
                case .registry: ep = registryEndpoint
                case let .peer(_, e): ep = e
                }
                if let error = sockets.send(to: ep, WireCodec.encode(message)) {
                    log?("could not send \(message.kind.name) to \(address.name): \(error)")
                }
            case let .schedule(timer, at): timers.schedule(timer, at: at)
            case let .completed(id, failure): completions[id] = failure
            case let .event(e): onEvent?(e)
            }
        }
        if !batch.isEmpty { try store.apply(batch) }
    }
}
