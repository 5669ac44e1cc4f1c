import ConfChatCore
import ConfChatStandalone
import Foundation

/// One peer of `confchat bench --hosts`: a real `PeerHost` (its own data directory, its own
/// endpoint, CURVE, the registry over tcp) on a thread of its own, living a scripted life.
///
/// The peers form a ring over all the bench's peers: peer i befriends peer i+1 (which is on
/// another host, as the ring goes round-robin over the hosts), accepts peer i-1, waits at a
/// barrier until every peer of the bench is ready, then sends `messages` messages to i+1,
/// each stamped with `CLOCK_MONOTONIC` (one clock for every process of the machine, in
/// every network namespace), and notes the latency of each message it gets from i-1.
final class RingPeer {
    /// What one peer measured, written to its group's result file.
    struct Outcome: Codable, Sendable {
        var name: String
        var sent = 0
        var received = 0
        /// Messages held twice, or out of order: must stay 0.
        var duplicates = 0
        var outOfOrder = 0
        var latenciesMicros: [UInt32] = []
        var firstSendNs: UInt64 = .max
        var lastDeliveryNs: UInt64 = 0
        var error: String?
        /// What else the peer saw after the barrier, by kind (digits taken out: "retrying
        /// unconfirmed messages to pN"): copies its machine dropped as duplicates, retries,
        /// presence changes, what its host logged (sends that failed, rejected input). Where
        /// a run that lags spends its messages.
        var seen: [String: Int]? = nil
    }

    struct Plan: Sendable {
        var index: Int
        var total: Int
        var messages: Int
        var intervalMs: Int
        var registry: String
        var registryKey: [UInt8]
        var bindAddress: String
        var folder: String
    }

    static func name(_ index: Int) -> String { "p\(index)" }

    private let plan: Plan
    private var host: PeerHost!
    private var outcome: Outcome
    private var pendingAccepts: [String] = []
    private var lastSeq: UInt64 = 0
    /// A pipe never written to: `PeerHost.pump` waits on it (and so only on the node's own input).
    private let idle = Pipe()

    /// Shared by a group's peers: how many may be registering or logging in at once.
    private let signIns: DispatchSemaphore

    init(plan: Plan, signIns: DispatchSemaphore) {
        self.plan = plan
        self.signIns = signIns
        outcome = Outcome(name: Self.name(plan.index))
    }

    private var name: String { Self.name(plan.index) }
    private var next: String { Self.name((plan.index + 1) % plan.total) }
    private var previous: String { Self.name((plan.index + plan.total - 1) % plan.total) }

    /// Sets up and calls `ready`, waits until `go`, sends, calls `finished` once it holds
    /// every message of its neighbour (or a minute has passed), and goes on handling input
    /// (acknowledging, answering heartbeats) until `stop`; never throws (an error is the
    /// outcome's `error`). `ready` and `finished` are called exactly once.
    func live(ready: () -> Void, go: () -> Bool, finished: () -> Void, stop: () -> Bool) -> Outcome {
        defer { if !hasFinished { finished() } }
        do { try setUp() } catch {
            outcome.error = "\(error)"
        }
        // Ready even after a failure: the bench goes on, and reports it.
        ready()
        guard outcome.error == nil else { return outcome }
        do {
            while !go() { try pump(50) }
            try exchange(finished: finished, stop: stop)
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    private func setUp() throws {
        let dir = (plan.folder as NSString).appendingPathComponent(name)
        host = try PeerHost(
            name: name, dataDirectory: dir, bind: "tcp://\(plan.bindAddress):*", registry: plan.registry,
            registryKey: plan.registryKey, clock: { Int64(BenchClock.nanoseconds() / 1_000_000) },
            seed: UInt64(plan.index) &* 0x9E37_79B9_7F4A_7C15 | 1, hashCost: .fast)
        host.onEvent = { [unowned self] event in self.note(event) }
        host.log = { [unowned self] line in if self.counting { self.count(line) } }
        // A thousand peers start at once: the registry may not answer a request in time, and
        // the next peer may not have registered yet. Ask again until it works (a register
        // that went through after all makes the name taken: done too).
        let deadline = BenchClock.nanoseconds() + 300_000_000_000
        // Only a few of a group's peers sign in at once (`RingPeerGroup`): a thousand at once
        // overran the registry's password checks, every peer asked again every 100 ms, and
        // the registry spent itself answering "busy" (performance.md).
        signIns.wait()
        do {
            defer { signIns.signal() }
            try retry(.register(password: "pw-\(name)"), until: deadline) { $0.contains("taken") }
            try retry(.login(password: "pw-\(name)"), until: deadline) { $0.contains("already logged in") }
        }
        try retry(.addFriend(next), until: deadline) { $0.contains("already") || $0.contains("friends") }
        while try !(host.state().friends[next] != nil && host.state().friends[previous] != nil) {
            guard BenchClock.nanoseconds() < deadline else { throw ProcessWorldError("\(name) did not become friends with \(previous) and \(next) within the 300 s a set-up may take") }
            try pump(50)
        }
    }

    private var hasFinished = false
    /// From the barrier on, what the peer sees is counted (`Outcome.seen`).
    private var counting = false

    private func count(_ what: String) {
        var kind = ""
        for c in what where !(c.isNumber && kind.last == "N") { kind.append(c.isNumber ? "N" : c) }
        outcome.seen?[kind, default: 0] += 1
    }

    private func exchange(finished: () -> Void, stop: () -> Bool) throws {
        counting = true
        outcome.seen = [:]
        for m in 0..<plan.messages {
            let now = BenchClock.nanoseconds()
            outcome.firstSendNs = min(outcome.firstSendNs, now)
            try command(.send(to: next, text: "\(now) \(m)"))
            outcome.sent += 1
            try pump(plan.intervalMs)
        }
        let deadline = BenchClock.nanoseconds() + 60_000_000_000
        while outcome.received < plan.messages, BenchClock.nanoseconds() < deadline { try pump(50) }
        hasFinished = true
        finished()
        // Stay until the whole ring is done: the next peer may still need our acknowledgements.
        while !stop() { try pump(50) }
    }

    /// Runs `command` until it succeeds or fails in a way `done` accepts, up to `deadline`,
    /// waiting twice as long after each failure (0.2 s to 5 s, spread by the peer's index) so
    /// that a busy registry is not hammered by a thousand peers at once.
    private func retry(_ command: PeerCommand, until deadline: UInt64, done: (String) -> Bool) throws {
        var pause = 200
        while let failure = try host.run(command), !done(failure.message) {
            guard BenchClock.nanoseconds() < deadline else { throw ProcessWorldError("\(name): \(command): \(failure)") }
            try pump(pause + plan.index % 200)
            pause = min(pause * 2, 5000)
        }
    }

    private func command(_ command: PeerCommand) throws {
        if let failure = try host.run(command) { throw ProcessWorldError("\(name): \(command): \(failure)") }
        try acceptWaiting()
    }

    private func pump(_ ms: Int) throws {
        _ = try host.pump(until: idle.fileHandleForReading.fileDescriptor, timeoutMs: ms)
        try acceptWaiting()
    }

    /// Accepts the previous peer's request, once it has come (asking again while the registry
    /// is busy). An accept whose answer came too late was carried out all the same, and the
    /// next one is told "no pending friend request": done once the two are friends (the
    /// registry's FRIEND-ADDED arrives while the retry waits).
    private func acceptWaiting() throws {
        guard let from = pendingAccepts.first else { return }
        pendingAccepts.removeFirst()
        try retry(.accept(from), until: BenchClock.nanoseconds() + 300_000_000_000) { failure in
            Self.acceptDone(failure, friends: (try? host.state().friends[from]) != nil)
        }
    }

    /// Whether an accept that failed with `failure` needs no retry: the two are friends already.
    static func acceptDone(_ failure: String, friends: Bool) -> Bool {
        failure.contains("already") || (friends && failure.contains("no pending friend request"))
    }

    private func note(_ event: PeerEvent) {
        switch event {
        case let .friendRequest(from) where from == previous:
            pendingAccepts.append(from)
        case let .delivered(from, seq, text, nil) where from == previous:
            let now = BenchClock.nanoseconds()
            if seq <= lastSeq { outcome.duplicates += 1; return }
            if seq != lastSeq + 1 { outcome.outOfOrder += 1 }
            lastSeq = seq
            outcome.received += 1
            outcome.lastDeliveryNs = max(outcome.lastDeliveryNs, now)
            if let stamp = text.split(separator: " ").first.flatMap({ UInt64($0) }), now >= stamp {
                outcome.latenciesMicros.append(UInt32(min((now - stamp) / 1000, UInt64(UInt32.max))))
            }
        case let .duplicate(from, _) where counting: count("duplicate from \(from)")
        case let .heldBack(from, _, _) where counting: count("held back from \(from)")
        case let .presence(friend, online, reason) where counting: count("\(friend) \(online ? "online" : "offline"): \(reason)")
        case let .note(text) where counting: count(text)
        case let .refused(text) where counting: count(text)
        default: break
        }
    }
}
