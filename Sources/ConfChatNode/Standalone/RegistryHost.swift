import ConfChatCore
import Foundation

/// The registry as a process of its own (`confchat registry`).
public final class RegistryHost {
    public var log: ((String) -> Void)?
    private var machine: RegistryMachine
    private let store: any RegistryStore
    private let sockets: NodeSockets

    public init(dataDirectory: String, bind: String, seed: UInt64, hashCost: Argon2Hasher.Cost = .interactive) throws {
        store = try SQLiteRegistryStore(directory: dataDirectory)
        sockets = try NodeSockets(context: try Simulator.context(), name: PeerName.registry, bind: bind)
        machine = RegistryMachine(durable: try store.load(), hasher: Argon2Hasher(cost: hashCost, seed: seed))
    }

    deinit { sockets.close() }

    public var endpoint: String { sockets.endpoint }

    /// Serves until the process is stopped. Hostile input is logged and dropped; it never
    /// ends the loop.
    public func serve(until stop: () -> Bool = { false }) throws {
        while !stop() {
            let ready = try sockets.wait(fd: nil, timeoutMs: 500)
            guard ready.inbox else { continue }
            for _ in 0..<1000 {
                guard let (sender, frames) = try sockets.receive() else { break }
                let from = String(decoding: sender, as: UTF8.self)
                guard frames.count == 1, PeerName.isValid(from) else {
                    log?("rejected a message of \(frames.count) frame(s) from \(from.debugDescription)")
                    continue
                }
                let message: WireMessage
                do { message = try WireCodec.decode(frames[0]) } catch {
                    log?("rejected a frame from \(from): \(error)")
                    continue
                }
                try handle(from: from, message)
            }
        }
    }

    private func handle(from: String, _ message: WireMessage) throws {
        var batch: [RegistryMutation] = []
        for effect in machine.handle(from: from, message) {
            if case let .persist(m) = effect { batch.append(m); continue }
            if !batch.isEmpty { try store.apply(batch); batch.removeAll() }
            switch effect {
            case .persist: break
            case let .send(address, m):
                guard case let .peer(_, ep) = address else { continue }
                if let error = sockets.send(to: ep, WireCodec.encode(m)) { log?("could not send \(m.kind.name) to \(address.name): \(error)") }
            case let .note(text): log?(text)
            }
        }
        if !batch.isEmpty { try store.apply(batch) }
    }
}
