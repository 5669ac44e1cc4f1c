import ConfChatScenario

/// A scenario action of one peer as the line a user types at that peer's prompt: what the
/// runner sends over a standalone peer's control channel, so the channel carries the
/// prompt's own verbs (docs/protocol.md, "Control channel"). Nil for the statements that are
/// not a peer's verb (faults, `wait`, network statements).
enum PromptLine {
    static func of(_ action: Action) -> String? {
        let q = ScenarioText.quote
        switch action {
        case let .register(_, pw): return "register \(q(pw))"
        case let .login(_, pw): return "login \(q(pw))"
        case .logout: return "logout"
        case let .addFriend(_, o): return "add-friend \(o)"
        case let .accept(_, o): return "accept \(o)"
        case let .decline(_, o): return "decline \(o)"
        case let .removeFriend(_, o): return "remove-friend \(o)"
        case let .send(_, to, text): return "send \(to) \(q(text))"
        case let .createGroup(_, g): return "create-group \(g)"
        case let .invite(_, g, o): return "invite \(g) \(o)"
        case let .join(_, g): return "join \(g)"
        case let .leaveGroup(_, g): return "leave-group \(g)"
        case let .destroyGroup(_, g): return "destroy-group \(g)"
        case let .sendGroup(_, g, text): return "send-group \(g) \(q(text))"
        case .crash, .restart, .wipe, .wait, .partition, .heal, .registryCrash, .registryRestart: return nil
        }
    }
}
