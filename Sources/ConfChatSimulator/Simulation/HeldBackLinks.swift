import ConfChatCore
import ConfChatDriver

/// A simulated peer's sends, in front of its crypto layer (`SealingTransport`): the messages
/// nobody waits on (`EffectKind.sendLast`, the peer's backup entries) are held here, not yet
/// encrypted, encoded or sent, until the network has carried everything else that arrives
/// at this instant (`Simulator.releaseHeldBack`, from `settle`). Entries released together
/// to one address leave together: one BACKUPS frame for several (up to its bounds), so the
/// registry handles and commits them as one input.
///
/// The driver already sends them after the rest of their batch; but the simulator runs every
/// node on one thread, and carried out a batch whole before it let the network settle: so
/// alice's BACKUP was encrypted and sent before bob got her CHAT, where two processes would
/// do both at once. Held here, it leaves after bob's delivery, at the same simulated instant.
///
/// What the driver promises still holds: a message is held only once its batch's write is
/// committed (the driver hands it over after its transaction), and a peer's messages reach
/// each address in the order its machine made them: any other message to an address first
/// sends what is held for it (a LOGOUT after the backup entries of its batch's deposits, a
/// DEPOSIT after its message's BACKUP). A crash loses what is held (`drop`), as a process
/// that crashed after its write and before its send would: the registry's backup misses
/// those entries until the peer's next login finds the hole (`catchUpBackup`).
final class HeldBackLinks: Transport {
    private unowned let simulator: Simulator
    /// The peer's name: what the driver says its sends come from.
    private let name: String
    /// The peer's crypto layer and the network beyond it.
    private let next: any Transport
    /// Hears of a held message the layer or the network did not take, as the driver's does.
    private let unsent: (Address, WireMessage, SendOutcome) -> Void
    /// What is held, in the order the peer sent it.
    private var held: [HeldEntry] = []
    /// The frame being gathered as `held` is released.
    private var frame = BackupFrameBuilder()
    /// The addresses `held` goes to, each once (the registry, in practice): a send elsewhere
    /// is one comparison, not a pass over `held`, which in a bench's batch holds dozens.
    private var addresses: [Address] = []

    init(_ simulator: Simulator, name: String, next: any Transport,
         unsent: @escaping (Address, WireMessage, SendOutcome) -> Void) {
        self.simulator = simulator
        self.name = name
        self.next = next
        self.unsent = unsent
    }

    func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome {
        // The driver's one rule for what nobody waits on (`PeerMachine.kind(of:)`), asked only of a
        // backup entry, the one kind it holds back: asking it of every message cost a copy
        // of each CHAT and CHAT-ACK into an effect and out again.
        if case let .backup(entry) = message, case .sendLast = PeerMachine.kind(of: .send(address, message)) {
            if held.isEmpty { simulator.holding.append(self) }
            if !addresses.contains(address) { addresses.append(address) }
            held.append(HeldEntry(address: address, entry: entry))
            return .sent
        }
        if !addresses.isEmpty, addresses.contains(address) { release(to: address) }
        return next.send(message, from: node, to: address)
    }

    /// Sends everything held, in order.
    func releaseAll() {
        var list: [HeldEntry] = []
        swap(&list, &held)
        addresses.removeAll(keepingCapacity: true)
        carry(list)
        list.removeAll(keepingCapacity: true)
        if held.isEmpty { swap(&held, &list) }
    }

    /// Forgets everything held: the peer crashed before it was sent.
    func drop() {
        held.removeAll()
        addresses.removeAll()
    }

    /// Sends what is held for `address`, in order, and keeps the rest, in order. Rare (a
    /// DEPOSIT, a LOGOUT after backup entries), so two plain passes.
    private func release(to address: Address) {
        carry(held.filter { $0.address == address })
        held.removeAll { $0.address == address }
        addresses.removeAll { $0 == address }
    }

    /// Sends `list` in order: each run of entries to one address in as few frames as the
    /// bounds allow (`BackupFrameBuilder`: BACKUP for a lone entry, BACKUPS for several). They
    /// waited together already; nothing waits longer for them to be gathered.
    private func carry(_ list: [HeldEntry]) {
        var to: Address?
        for k in list.indices {
            if let to, list[k].address != to || !frame.fits(list[k].entry) { flush(to: to) }
            to = list[k].address
            frame.add(list[k].entry)
        }
        if let to { flush(to: to) }
    }

    private func flush(to address: Address) {
        guard let message = frame.take() else { return }
        let outcome = next.send(message, from: name, to: address)
        if outcome != .sent { unsent(address, message, outcome) }
    }
}

/// A backup entry `HeldBackLinks` holds, and where it goes.
private struct HeldEntry {
    let address: Address
    let entry: BackupEntry
}
