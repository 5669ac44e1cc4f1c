import ConfChatCore
import ConfChatDriver

/// The simulator's network as one node's driver sees it: a send resolves the address to an
/// endpoint (the registry's as the simulator knows it), goes through `SimNetwork` from this
/// node's number and is traced, as sent or as dropped with the reason.
final class SimLinks: Transport {
    private unowned let simulator: Simulator
    /// The sending node's number in `SimNetwork`.
    let node: SimNetwork.NodeID

    init(_ simulator: Simulator, node: SimNetwork.NodeID) {
        self.simulator = simulator
        self.node = node
    }

    func send(_ message: WireMessage, from name: String, to address: Address) -> SendOutcome {
        simulator.transmit(from: name, node: node, to: address, message)
    }
}
