import ConfChatCore
import ConfChatScenario

/// Group commit for the disk store: one transaction a store for each drained round.
///
/// The simulator commits each handled input's writes before that input's sends (a
/// transaction per input). This shell handles a whole round of in-flight messages first,
/// holding back every effect but the writes; then commits each touched store once; then
/// carries out the held effects in their original order. So no acknowledgement, no other
/// message and no delivery report leaves before the write it follows is committed, which is
/// the durability rule (docs/guarantees.md, guarantee 3), at one SQLite commit a store a round.
///
/// The order in which messages are handled is the same as `Simulator.settle()`'s: messages
/// sent while handling round k are queued behind everything already in flight either way.
/// It is a bench-only path: it ignores armed fault plans and records no trace of held sends.
final class GroupCommit {
    private enum Held {
        case peer(SimPeer, PeerEffect)
        case registry(Address, WireMessage)
    }

    private var peerWrites: [ObjectIdentifier: (store: any PeerStore, mutations: [PeerMutation])] = [:]
    private var writeOrder: [ObjectIdentifier] = []
    private var registryWrites: [RegistryMutation] = []
    private var held: [Held] = []
    /// Transactions committed so far (for the report).
    private(set) var transactions = 0
    private(set) var rounds = 0

    /// Handles one input of a peer, keeping its writes and holding back its other effects.
    func deliver(_ sim: Simulator, _ p: SimPeer, _ input: PeerMachine.Input) throws {
        guard var m = p.machine else { return }
        p.machine = nil  // moved out while it works, as `Simulator.deliver` does (copy-on-write)
        let effects = m.handle(input, now: sim.now)
        p.machine = m
        for effect in effects {
            switch effect {
            case let .persist(mutation):
                let key = ObjectIdentifier(p.store)
                if peerWrites[key] == nil {
                    peerWrites[key] = (p.store, [])
                    writeOrder.append(key)
                }
                peerWrites[key]!.mutations.append(mutation)
            case let .completed(id, failure):
                sim.completions[id] = failure
            default:
                held.append(.peer(p, effect))
            }
        }
    }

    private func registryHandle(_ sim: Simulator, from: String, _ message: WireMessage) {
        atRegistry(sim) { $0.handle(from: from, message, now: sim.now) }
    }

    /// Password checks run at once, in order, as in `Simulator.registryHandle`.
    private func atRegistry(_ sim: Simulator, _ input: (inout RegistryMachine) -> [RegistryEffect]) {
        guard var r = sim.registry else { return }
        sim.registry = nil
        let effects = input(&r)
        sim.registry = r
        var checks: [PasswordCheck] = []
        for effect in effects {
            switch effect {
            case let .persist(mutation): registryWrites.append(mutation)
            case let .send(address, message): held.append(.registry(address, message))
            case let .note(text): sim.emit(.note(node: PeerName.registry, text: text))
            case let .checkPassword(check): checks.append(check)
            }
        }
        for c in checks { atRegistry(sim) { $0.passwordChecked(c.id, c.run(sim.hasher), now: sim.now) } }
    }

    /// Commits the round's writes, then carries out what was held back, in order.
    func flush(_ sim: Simulator) throws {
        for key in writeOrder {
            let w = peerWrites[key]!
            try w.store.apply(w.mutations)
            transactions += 1
        }
        if !registryWrites.isEmpty {
            try sim.registryStore.apply(registryWrites)
            transactions += 1
        }
        peerWrites.removeAll(keepingCapacity: true)
        writeOrder.removeAll(keepingCapacity: true)
        registryWrites.removeAll(keepingCapacity: true)
        let effects = held
        held.removeAll(keepingCapacity: true)
        for e in effects {
            switch e {
            case let .peer(p, effect): sim.carryOut(effect, of: p)
            case let .registry(address, message): sim.transmit(from: PeerName.registry, to: address, message)
            }
        }
    }

    /// Like `Simulator.settle()`, in rounds: handle everything in flight, commit, send.
    func settle(_ sim: Simulator) throws {
        precondition(sim.faultPlan == nil, "group commit does not carry out fault plans")
        try flush(sim)
        while true {
            var handled = 0
            while let (from, to, payload) = try sim.network.next() {
                handled += 1
                let message: WireMessage
                do { message = try WireCodec.decode(payload) } catch {
                    let reason = payload.isEmpty && !sim.network.rejected.isEmpty ? sim.network.rejected.removeFirst() : "\(error)"
                    sim.emit(.reject(at: to, from: from, reason: reason))
                    continue
                }
                if to == PeerName.registry {
                    registryHandle(sim, from: from, message)
                } else if let p = sim.peers[to] {
                    for input in p.crypto.inputs(from: from, message) { try deliver(sim, p, input) }
                }
            }
            if handled == 0 { return }
            rounds += 1
            try flush(sim)
        }
    }
}
