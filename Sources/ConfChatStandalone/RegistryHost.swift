import ConfChatCore
import ConfChatCrypto
import ConfChatDriver
import ConfChatStorage
import ConfChatZMQ
import Foundation

/// The registry as a process of its own (`confchat registry`).
///
/// Its key pair lives in its data directory (`curve.key`, made at first start); peers need
/// the public half (`registry.pub`) to connect. A message's sender is the account whose key
/// its connection authenticated with; only REGISTER and LOGIN may come from a key the
/// registry does not know yet (a new user, or a user on a new machine, who proves who they
/// are with their password). For those two the machine sees the connection's key (hex) as
/// the sender, and answers that key, at the endpoint the request gave.
///
/// Password checks run on a `PasswordWorker` thread; the loop waits on the inbox and on the
/// worker's pipe, so it keeps answering while hashes run.
public final class RegistryHost {
    /// Warnings: input rejected, sends that failed, requests the machine refused to act on.
    public var log: ((String) -> Void)?
    /// What the registry does for its users: each request and how it was answered.
    public var info: ((String) -> Void)?

    /// Tells `log` of each connection's handshake (address and key), from the ZAP handler's
    /// thread: the closure must be safe to call from there (a write to stderr is).
    public static func logConnections(_ log: @escaping @Sendable (String) -> Void) {
        ZAPHandler.observe { address, key, accepted in
            log(accepted ? "connection from \(address) with key \(key.prefix(16))..." : "refused a connection from \(address): it offered no CURVE key")
        }
    }
    private let sockets: NodeSockets
    private let worker: PasswordWorker
    private let clock: () -> Int64
    private let start: Int64
    private var budget = RequestBudget()
    /// For the log: the name a REGISTER or LOGIN asked for, by the asking key (hex), until
    /// its answer goes out.
    private var asking: [String: String] = [:]
    public let keys: NodeKeys
    /// Runs the machine: commits to the data directory, sends over the sockets.
    private var driver: NodeDriver<RegistryMachine>!
    private var machine: RegistryMachine { driver.machine! }
    /// Held while the host runs: the lock on the data directory.
    private let directory: DataDirectory

    /// - Parameter clock: monotonic milliseconds (the login throttle measures waits with it).
    /// - Parameter connectFrom: the local address its connections to peers are made from; nil: any.
    /// - Parameter limits: what its inbox may be made to hold (connections, frames, queues).
    /// - Parameter outboxConnections: the connections to peers it keeps at most; beyond, the
    ///   least recently used is closed (`OutboxConnections`).
    public init(dataDirectory: String, bind: String, seed: UInt64, clock: @escaping () -> Int64,
                hashCost: Argon2Hasher.Cost = .interactive, connectFrom: String? = nil,
                limits: InboxLimits = .registry, outboxConnections: Int = OutboxConnections.registryLimit) throws {
        directory = try DataDirectory(path: dataDirectory, role: .registry)
        let store = try SQLiteRegistryStore(directory: dataDirectory)
        keys = try NodeKeys.loadOrCreate(in: dataDirectory)
        sockets = try NodeSockets(context: try ZMQContext.shared(), name: PeerName.registry, bind: bind, keys: keys, source: connectFrom,
                                  limits: limits, outboxConnections: outboxConnections)
        worker = try PasswordWorker(hasher: Argon2Hasher(cost: hashCost, seed: seed))
        self.clock = clock
        start = clock()
        let links = SocketTransport(sockets)
        driver = NodeDriver(name: PeerName.registry, machine: RegistryMachine(durable: try store.load()), store: store.driven,
                            transport: links, perform: { [unowned self] in self.perform($0) },
                            unsent: { [unowned self] in self.log?(SocketTransport.describe($0, $1, $2)) })
        sockets.inboxConnections?.onRefused = { [unowned self] in self.log?($0) }
        links.resolve = { [unowned self] address in
            guard case let .peer(name, endpoint) = address, let key = self.serverKey(of: name) else { return nil }
            return (endpoint, key)
        }
        links.willSend = { [unowned self] address, m in
            Self.answer(m, to: asking.removeValue(forKey: address.name) ?? address.name).map { info?($0) }
        }
    }

    deinit {
        worker.stop()
        sockets.close()
    }

    public var endpoint: String { sockets.endpoint }

    private var now: SimInstant { SimInstant(milliseconds: clock() - start) }

    /// Serves until `stop` says so. Hostile input is logged and dropped; it never ends the loop.
    /// What one wake-up brings (password outcomes, up to a thousand messages) is one batch:
    /// one transaction, then the answers (a group commit).
    ///
    /// With a control channel (`--control`), answers its requests with `handle` too, and
    /// returns when `lifeline` (the runner's pipe) ends.
    public func serve(until stop: () -> Bool = { false },
                      control: (channel: ControlChannel, lifeline: Int32, handle: (String) -> ControlChannel.Reply)? = nil) throws {
        while !stop() {
            let ready = try sockets.wait(fds: [worker.fd] + (control.map { [$0.lifeline] } ?? []),
                                         control: control?.channel.socket, timeoutMs: 500)
            if let control {
                if ready.control { while try control.channel.answerWaiting(control.handle) {} }
                if ready.fds[1], ControlChannel.lifelineEnded(control.lifeline) { return }
            }
            if ready.fds[0] {
                for (id, outcome) in worker.outcomes() { driver.handle(.passwordChecked(id, outcome), now: now) }
            }
            if ready.inbox { try drainInbox() }
            try driver.commit()
            // A wake-up with nothing to read: a quiet moment to give back what a burst of
            // connections left in the heap.
            if !ready.inbox, !ready.fds.contains(true), !ready.control { sockets.trimHeap() }
        }
    }

    /// Hands the machine what waits in the inbox, a thousand messages at most.
    private func drainInbox() throws {
        for _ in 0..<1000 {
            guard let (claimed, body, frames, key) = try sockets.receive() else { break }
            guard frames == 1 else {
                log?("rejected a message of \(frames) frame(s) from \(claimed.debugDescription)")
                continue
            }
            if let key, overBudget(key, tokens: 1) { continue }
            let message: WireMessage
            do { message = try WireCodec.decode(body) } catch {
                log?("rejected a frame from \(claimed.debugDescription): \(error)")
                continue
            }
            if let key, case let .backups(entries) = message, overBudget(key, tokens: entries.count - 1) { continue }
            switch sender(key: key, message) {
            case let .success(from):
                if let line = Self.request(message, from: from) {
                    info?(line)
                    // REGISTER and LOGIN come from a key (hex) the answer goes back to: name it.
                    if case let .register(_, name, _, _, _) = message { asking[from] = name }
                    if case let .login(_, name, _, _, _, _) = message { asking[from] = name }
                }
                driver.handle(.received(from: from, message), now: now)
            case let .failure(why): log?("rejected \(message.kind.name) from \(claimed.debugDescription): \(why)")
            }
        }
    }

    /// Spends `tokens` of `key`'s budget (`RequestBudget`); true if the message is dropped.
    private func overBudget(_ key: String, tokens: Int) -> Bool {
        guard tokens > 0, case let .drop(first) = budget.spend(key, tokens: tokens, nowMs: clock()) else { return false }
        if first { log?("key \(key.prefix(16))... is over its budget of requests: dropping its messages") }
        return true
    }

    private struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Who sent `message`: for REGISTER and LOGIN the connection's key (hex), which must be
    /// the key the message announces; for the rest, the account with that key.
    private func sender(key: String?, _ message: WireMessage) -> Result<String, Refusal> {
        guard let key else { return .failure(Refusal(description: "the connection has no key")) }
        switch message {
        case let .register(_, _, _, _, k), let .login(_, _, _, _, _, k):
            // The password (checked by the machine) proves the name; the key must be the one
            // the connection proved it holds, since mail to the user is sealed to it.
            return NodeKeys.hex(k) == key ? .success(key) : .failure(Refusal(description: "its key field is not the key of its connection"))
        default:
            guard let k = NodeKeys.fromHex(key), let name = machine.durable.accountByKey[k] else {
                return .failure(Refusal(description: "its key belongs to no account"))
            }
            return .success(name)
        }
    }

    /// The key to send to: a client key (hex) the machine answers directly, or an account's key.
    private func serverKey(of name: String) -> [UInt8]? {
        if let key = NodeKeys.fromHex(name) { return key }
        return machine.durable.accounts[name]?.key
    }

    /// Carries out one effect that is neither a write nor a send (the driver's own).
    private func perform(_ effect: RegistryEffect) {
        switch effect {
        case .persist, .send: break
        case let .note(text): log?(text)
        case let .checkPassword(check): worker.submit(check)
        }
    }

    /// A user's request as a log line ("LOGIN alice at tcp://...:6001"); nil for the rest.
    static func request(_ message: WireMessage, from: String) -> String? {
        switch message {
        case let .register(_, name, _, ep, _): "REGISTER \(name) at \(ep)"
        case let .login(_, name, _, ep, _, _): "LOGIN \(name) at \(ep)"
        case .logout: "LOGOUT \(from)"
        case let .friendRequest(_, to): "FRIEND-REQUEST \(from) -> \(to)"
        case let .friendAnswer(_, to, accept): "FRIEND-ANSWER \(from) -> \(to) (\(accept ? "accept" : "decline"))"
        case let .unfriend(_, other): "UNFRIEND \(from) -> \(other)"
        case .createGroup, .invite, .joinGroup, .leaveGroup, .destroyGroup: "\(message.kind.name) from \(from)"
        default: nil
        }
    }

    /// The answer to a request as a log line ("answer to alice: ok", "answer to key
    /// 3f2a...: refused: wrong password"); nil for what is not an answer. (The answer to a
    /// REGISTER or LOGIN goes to the asking key, which may belong to no account yet.)
    static func answer(_ message: WireMessage, to name: String) -> String? {
        let who = PeerName.isValidUser(name) ? name : "key \(name.prefix(16))..."
        switch message {
        case let .reply(_, error?): return "answer to \(who): refused: \(error)"
        case .reply: return "answer to \(who): ok"
        case .loginReply: return "answer to \(who): logged in"
        default: return nil
        }
    }
}
