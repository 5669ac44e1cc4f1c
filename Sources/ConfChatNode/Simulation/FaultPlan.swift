import ConfChatCore

/// A crash in the middle of handling one input: "crash `node` after `afterSteps` steps of
/// the next input it handles". A step is one transaction (a run of consecutive writes) or
/// one other effect (a send, a timer, a reply to the user). Tests sweep `afterSteps` over
/// every value to show that no crash point loses an acknowledged message or delivers one twice.
public struct FaultPlan: Sendable, Hashable {
    public var node: String
    public var afterSteps: Int

    public init(node: String, afterSteps: Int) {
        self.node = node
        self.afterSteps = afterSteps
    }

    enum Step<Mutation, Effect> {
        case persist([Mutation])
        case effect(Effect)
    }

    static func steps(_ effects: [PeerEffect]) -> [Step<PeerMutation, PeerEffect>] {
        group(effects, \.mutation)
    }

    static func steps(_ effects: [RegistryEffect]) -> [Step<RegistryMutation, RegistryEffect>] {
        group(effects, \.mutation)
    }

    private static func group<M, E>(_ effects: [E], _ mutation: (E) -> M?) -> [Step<M, E>] {
        var steps: [Step<M, E>] = []
        var batch: [M] = []
        for e in effects {
            if let m = mutation(e) { batch.append(m); continue }
            if !batch.isEmpty { steps.append(.persist(batch)); batch = [] }
            steps.append(.effect(e))
        }
        if !batch.isEmpty { steps.append(.persist(batch)) }
        return steps
    }
}
