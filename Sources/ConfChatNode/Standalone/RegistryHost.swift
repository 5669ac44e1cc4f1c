import ConfChatCore
import Foundation

/// The registry as a process of its own (`confchat registry`).
///
/// Its key pair lives in its data directory (`curve.key`, made at first start); peers need
/// the public half (`registry.pub`) to connect. A message's sender is the account whose key
/// its connection authenticated with; only REGISTER and LOGIN may come from a key the
/// registry does not know yet (a new user, or a user on a new machine, who proves who they
/// are with their password).
public final class RegistryHost {
    /// Warnings: input rejected, sends that failed, requests the machine refused to act on.
    public var log: ((String) -> Void)?
    /// What the registry does for its users: each request and how it was answered.
    public var info: ((String) -> Void)?
    private var machine: RegistryMachine
    private let store: any RegistryStore
    private let sockets: NodeSockets
    public let keys: NodeKeys
    /// Held while the host runs: the lock on the data directory.
    private let directory: DataDirectory

    public init(dataDirectory: String, bind: String, seed: UInt64, hashCost: Argon2Hasher.Cost = .interactive) throws {
        directory = try DataDirectory(path: dataDirectory, role: .registry)
        store = try SQLiteRegistryStore(directory: dataDirectory)
        keys = try NodeKeys.loadOrCreate(in: dataDirectory)
        sockets = try NodeSockets(context: try Simulator.context(), name: PeerName.registry, bind: bind, keys: keys)
        machine = RegistryMachine(durable: try store.load(), hasher: Argon2Hasher(cost: hashCost, seed: seed))
    }

    deinit { sockets.close() }

    public var endpoint: String { sockets.endpoint }

    /// Serves until `stop` says so. Hostile input is logged and dropped; it never ends the loop.
    public func serve(until stop: () -> Bool = { false }) throws {
        while !stop() {
            let ready = try sockets.wait(fd: nil, timeoutMs: 500)
            guard ready.inbox else { continue }
            for _ in 0..<1000 {
                guard let (routingId, frames, key) = try sockets.receive() else { break }
                let claimed = PeerName.isValid(String(decoding: routingId, as: UTF8.self)) ? String(decoding: routingId, as: UTF8.self) : "an unnamed connection"
                guard frames.count == 1 else {
                    log?("rejected a message of \(frames.count) frame(s) from \(claimed.debugDescription)")
                    continue
                }
                let message: WireMessage
                do { message = try WireCodec.decode(frames[0]) } catch {
                    log?("rejected a frame from \(claimed.debugDescription): \(error)")
                    continue
                }
                guard let from = sender(claimed: claimed, key: key, message) else {
                    log?("rejected \(message.kind.name) claiming to be from \(claimed.debugDescription): key does not match")
                    continue
                }
                try handle(from: from, message)
            }
        }
    }

    private func sender(claimed: String, key: String?, _ message: WireMessage) -> String? {
        guard let key else { return nil }
        switch message {
        case let .register(_, name, _, _, k), let .login(_, name, _, _, _, k):
            // The key in the message must be the one the connection proved it holds; the
            // password (checked by the machine) proves the name.
            return PeerName.isValidUser(name) && NodeKeys.hex(k) == key ? name : nil
        default:
            return machine.durable.accounts.first { NodeKeys.hex($0.value.key) == key }?.key
        }
    }

    private func handle(from: String, _ message: WireMessage) throws {
        // Answers to REGISTER and LOGIN go to the key that asked, which may not (yet) be the
        // account's: a refused registration of a taken name still hears why.
        var asker: (endpoint: String, key: [UInt8])?
        switch message {
        case let .register(_, _, _, ep, k), let .login(_, _, _, ep, _, k): asker = (ep, k)
        default: break
        }
        try WriteAhead.carryOut(machine.handle(from: from, message), mutation: \.mutation,
                                commit: { try store.apply($0) }) { effect in
            switch effect {
            case .persist: preconditionFailure("writes are committed by WriteAhead")
            case let .send(address, m):
                if case let .reply(_, error) = m { Self.answered(message, from: from, error: error).map { info?($0) } }
                if case .loginReply = m { Self.answered(message, from: from, error: nil).map { info?($0) } }
                guard case let .peer(name, ep) = address,
                      let key = asker?.endpoint == ep ? asker?.key : machine.durable.accounts[name]?.key, !key.isEmpty else { return }
                if let error = sockets.send(to: ep, serverKey: key, WireCodec.encode(m)) {
                    log?("could not send \(m.kind.name) to \(name): \(error)")
                }
            case let .note(text): log?(text)
            }
        }
    }

    /// A request and its answer as a log line ("LOGIN alice: ok", "REGISTER bob: refused:
    /// name taken"); nil for what is not a user's request.
    static func answered(_ request: WireMessage, from: String, error: String?) -> String? {
        let what: String
        switch request {
        case let .register(_, name, _, ep, _): what = "REGISTER \(name) at \(ep)"
        case let .login(_, name, _, ep, _, _): what = "LOGIN \(name) at \(ep)"
        case .logout: what = "LOGOUT \(from)"
        case let .friendRequest(_, to): what = "FRIEND-REQUEST \(from) -> \(to)"
        case let .friendAnswer(_, to, accept): what = "FRIEND-ANSWER \(from) -> \(to) (\(accept ? "accept" : "decline"))"
        case let .unfriend(_, other): what = "UNFRIEND \(from) -> \(other)"
        case .createGroup, .invite, .joinGroup, .leaveGroup, .destroyGroup: what = "\(request.kind.name) from \(from)"
        default: return nil
        }
        return what + (error.map { ": refused: \($0)" } ?? ": ok")
    }
}
