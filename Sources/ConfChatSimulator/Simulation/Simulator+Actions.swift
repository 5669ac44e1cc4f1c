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
        case let .register(p, pw): return try command(p, .register(password: pw))
        case let .login(p, pw): return try command(p, .login(password: pw))
        case let .logout(p): return try command(p, .logout)
        case let .addFriend(p, o): return try command(p, .addFriend(o))
        case let .accept(p, o): return try command(p, .accept(o))
        case let .decline(p, o): return try command(p, .decline(o))
        case let .removeFriend(p, o): return try command(p, .removeFriend(o))
        case let .send(p, to, text): return try command(p, .send(to: to, text: text))
        case let .crash(p): return try guarded { try crash(p) }
        case let .restart(p): return try guarded { try restart(p) }
        case let .wipe(p): return try guarded { try wipe(p) }
        case let .wait(d): return try guarded { try advance(by: d.milliseconds) }
        case let .partition(groups): return try guarded { partition(groups) }
        case .heal: return try guarded { heal() }
        case .registryCrash: return try guarded { try crashRegistry() }
        case .registryRestart: return try guarded { try restartRegistry() }
        case let .createGroup(p, g): return try command(p, .createGroup(g))
        case let .invite(p, g, o): return try command(p, .invite(group: g, member: o))
        case let .join(p, g): return try command(p, .join(g))
        case let .leaveGroup(p, g): return try command(p, .leaveGroup(g))
        case let .destroyGroup(p, g): return try command(p, .destroyGroup(g))
        case let .sendGroup(p, g, text): return try command(p, .sendGroup(group: g, text: text))
        }
    }

}
