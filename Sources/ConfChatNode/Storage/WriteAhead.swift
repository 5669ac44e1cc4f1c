import ConfChatCore

/// The durability rule every shell follows, in one place: a machine's effects are carried
/// out in order, and each run of consecutive writes is committed as one transaction before
/// anything that follows it (a send, an ack, a reply to the user) leaves the node.
enum WriteAhead {
    static func carryOut<Effect, Mutation>(
        _ effects: [Effect], mutation: (Effect) -> Mutation?,
        commit: ([Mutation]) throws -> Void, then other: (Effect) throws -> Void
    ) throws {
        var batch: [Mutation] = []
        for effect in effects {
            if let m = mutation(effect) {
                batch.append(m)
                continue
            }
            if !batch.isEmpty {
                try commit(batch)
                batch.removeAll(keepingCapacity: true)
            }
            try other(effect)
        }
        if !batch.isEmpty { try commit(batch) }
    }
}

extension PeerEffect {
    /// The write this effect asks for, if it is one.
    var mutation: PeerMutation? { if case let .persist(m) = self { m } else { nil } }
}

extension RegistryEffect {
    var mutation: RegistryMutation? { if case let .persist(m) = self { m } else { nil } }
}
