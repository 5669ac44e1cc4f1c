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
        p.machine = nil
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
        let wasUp = p.isUp
        if wasUp {
            p.machine = nil
            p.incarnation += 1
            try network.detach(name)
        }
        if let dir = p.directory { try? FileManager.default.removeItem(atPath: dir) }
        p.store = try makePeerStore(name)
        p.rekey()
        if wasUp { try boot(p) }
    }

    /// Consumes the armed fault plan if it is for `node`: the number of steps to carry out.
    func takeFault(for node: String) -> Int? {
        guard let plan = faultPlan, plan.node == node else { return nil }
        faultPlan = nil
        return plan.afterSteps
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
        registry = nil
        try network.detach(PeerName.registry)
    }

    public func restartRegistry() throws {
        guard registry == nil else { throw SimulationError.invalidState("the registry is running") }
        try startRegistry()
        emit(.fault(.restart(node: PeerName.registry)))
    }
}
