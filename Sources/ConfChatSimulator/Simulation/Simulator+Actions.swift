import ConfChatCore
import ConfChatScenario

/// The scenario language's actions, carried out on a simulator: the one mapping from a
/// statement to simulator calls, shared by the scenario runner, chaos and the attached prompt.
extension Simulator {
    /// Carries out an action; returns why it was refused, or nil if it succeeded. Faults and
    /// network statements refused by the simulator (crashing a crashed peer) are refusals too.
    public func perform(_ action: Action) throws -> CommandFailure? {
        func guarded(_ body: () throws -> Void) throws -> CommandFailure? {
            do { try body() } catch let e as SimulationError { return CommandFailure(e.description) }
            try settle()
            return nil
        }
        switch action {
        case let .peer(p, .command(c)): return try command(p, c)
        case let .peer(p, .crash): return try guarded { try crash(p) }
        case let .peer(p, .restart): return try guarded { try restart(p) }
        case let .peer(p, .wipe): return try guarded { try wipe(p) }
        case let .wait(d): return try guarded { try advance(by: d.milliseconds) }
        case let .partition(groups): return try guarded { partition(groups) }
        case .heal: return try guarded { heal() }
        case .registryCrash: return try guarded { try crashRegistry() }
        case .registryRestart: return try guarded { try restartRegistry() }
        case let .network(setting): return try guarded { network(setting) }
        case let .crashMidInput(node, step): return try guarded { try arm(FaultPlan(node: node, afterSteps: step)) }
        }
    }
}
