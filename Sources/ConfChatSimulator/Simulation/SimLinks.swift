import ConfChatCore
import ConfChatDriver

/// The simulator's network as the node drivers see it: a send resolves the address to an
/// endpoint (the registry's as the simulator knows it), goes through `SimNetwork` and is
/// traced, as sent or as dropped with the reason.
final class SimLinks: Transport {
    private unowned let simulator: Simulator

    init(_ simulator: Simulator) { self.simulator = simulator }

    func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome {
        simulator.transmit(from: node, to: address, message)
    }
}
