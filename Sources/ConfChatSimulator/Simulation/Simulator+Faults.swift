import ConfChatCore
import ConfChatScenario
import Foundation

/// Faults: crash, restart, wipe, partitions, registry down. Each is an event in the trace.
extension Simulator {
    /// Stops a peer abruptly: sockets closed, in-memory state gone, no goodbye. Its data stays.
    public func crash(_ name: String) throws { try crash(name, announce: true) }

    func crash(_ name: String, announce: Bool) throws {
        let p = try peer(name)
        guard p.isUp else { throw SimulationError.invalidState("\(name) is already crashed") }
        if announce { emit(.fault(.crash(node: name))) }
        disarm(name)
        p.machine = nil
        p.links.drop()  // what it held back is lost with its memory
        p.incarnation += 1
        try network.detach(name)
    }

    /// Starts a crashed peer again from its data directory, logged out.
    public func restart(_ name: String) throws {
        let p = try peer(name)
        guard !p.isUp else { throw SimulationError.invalidState("\(name) is running; crash it first") }
        try boot(p)
        emit(.fault(.restart(node: name)))
    }

    /// Deletes a peer's data directory, as if it moved to a new machine. The peer must be
    /// crashed or logged out; a logged-out peer keeps running, with empty state. Its key pair
    /// goes too (a standalone peer keeps it in the data directory): it starts with a new one,
    /// which the registry learns at the next login and tells its friends.
    public func wipe(_ name: String) throws {
        let p = try peer(name)
        if let m = p.machine, m.isLoggedIn { throw SimulationError.invalidState("\(name) is logged in; log out or crash first") }
        emit(.fault(.wipe(node: name)))
        disarm(name)
        let wasUp = p.isUp
        if wasUp {
            p.machine = nil
            p.links.drop()
            p.incarnation += 1
            try network.detach(name)
        }
        // What the log holds for the old database goes into it before it is deleted, so
        // that no later checkpoint writes it anywhere.
        try runLog?.checkpoint()
        if let dir = p.directory { try? FileManager.default.removeItem(atPath: dir) }
        p.store = try makePeerStore(name)
        p.rekey()
        if wasUp { try boot(p) }
    }

    /// Arms a fault point (`alice crash mid-input after step 2`): `plan.node`, a peer or the
    /// registry, crashes part way through the next input it handles that writes. The node
    /// must be up; a plan armed earlier for it is replaced. A crash, a wipe or a registry
    /// crash before the input comes calls the plan off: it was for the node's run that ended.
    public func arm(_ plan: FaultPlan) throws {
        let up = plan.node == PeerName.registry ? registryIsUp : try peer(plan.node).isUp
        guard up else {
            throw SimulationError.invalidState(plan.node == PeerName.registry ? "the registry is down" : "\(plan.node) is crashed")
        }
        emit(.fault(.armed(node: plan.node, afterStep: plan.afterSteps)))
        faultPlans[plan.node] = plan
    }

    /// Consumes the fault plan armed for `node`, if any: the number of steps to carry out.
    func takeFault(for node: String) -> Int? {
        guard !faultPlans.isEmpty else { return nil }  // the usual case: no name to hash
        return faultPlans.removeValue(forKey: node)?.afterSteps
    }

    /// Calls off the plan armed for a node that stops by other means, and says so.
    private func disarm(_ node: String) {
        guard faultPlans.removeValue(forKey: node) != nil else { return }
        emit(.fault(.disarmed(node: node)))
    }

    public func partition(_ groups: [[String]]) {
        emit(.fault(.partition(groups)))
        network.partition(groups)
    }

    public func heal() {
        emit(.fault(.heal))
        network.heal()
    }

    /// Changes the network's conditions (`network loss 5%`) for messages sent from now on.
    public func network(_ setting: NetworkSetting) {
        emit(.fault(.network(setting)))
        network.conditions.apply(setting)
    }

    public func crashRegistry() throws { try crashRegistry(announce: true) }

    func crashRegistry(announce: Bool) throws {
        guard registry != nil else { throw SimulationError.invalidState("the registry is already down") }
        if announce { emit(.fault(.crash(node: PeerName.registry))) }
        disarm(PeerName.registry)
        registry = nil
        try network.detach(PeerName.registry)
    }

    public func restartRegistry() throws {
        guard registry == nil else { throw SimulationError.invalidState("the registry is running") }
        try startRegistry()
        emit(.fault(.restart(node: PeerName.registry)))
    }
}
