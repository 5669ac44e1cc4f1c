import ConfChatScenario

/// One line of a chaos run, kept in the scenario language's own terms so that the run can be
/// written out as a scenario file and replayed by `confchat run`.
public enum ChaosStatement: Equatable, Sendable, CustomStringConvertible {
    case peers([String])
    case action(Action)

    /// The line as a scenario file writes it (without `!`).
    public var description: String {
        switch self {
        case let .peers(names): "peers " + names.joined(separator: " ")
        case let .action(a): Self.render(a)
        }
    }

    var isWait: Bool { if case .action(.wait) = self { true } else { false } }

    /// Every peer name the line mentions (for dropping unused peers from the `peers` line).
    var mentions: Set<String> {
        switch self {
        case let .peers(names): return Set(names)
        case let .action(a):
            switch a {
            case let .addFriend(p, o), let .accept(p, o), let .decline(p, o), let .removeFriend(p, o),
                 let .send(p, o, _):
                return [p, o]
            case let .partition(groups): return Set(groups.joined()).subtracting(["registry"])
            default: return a.peer.map { [$0] } ?? []
            }
        }
    }

    static func render(_ a: Action) -> String {
        switch a {
        case let .register(p, pw): "\(p) register \(word(pw))"
        case let .login(p, pw): "\(p) login \(word(pw))"
        case let .logout(p): "\(p) logout"
        case let .addFriend(p, o): "\(p) add-friend \(o)"
        case let .accept(p, o): "\(p) accept \(o)"
        case let .decline(p, o): "\(p) decline \(o)"
        case let .removeFriend(p, o): "\(p) remove-friend \(o)"
        case let .send(p, o, text): "\(p) send \(o) \(quote(text))"
        case let .crash(p): "\(p) crash"
        case let .restart(p): "\(p) restart"
        case let .wipe(p): "\(p) wipe"
        case let .createGroup(p, g): "\(p) create-group \(g)"
        case let .invite(p, g, o): "\(p) invite \(g) \(o)"
        case let .join(p, g): "\(p) join \(g)"
        case let .leaveGroup(p, g): "\(p) leave-group \(g)"
        case let .destroyGroup(p, g): "\(p) destroy-group \(g)"
        case let .sendGroup(p, g, text): "\(p) send-group \(g) \(quote(text))"
        case let .wait(d): "wait \(d)"
        case let .partition(groups): "partition " + groups.map { $0.joined(separator: " ") }.joined(separator: " | ")
        case .heal: "heal"
        case .registryCrash: "registry crash"
        case .registryRestart: "registry restart"
        }
    }

    /// A password as a word when it is one, else quoted.
    static func word(_ s: String) -> String { ScenarioText.word(s) }

    static func quote(_ text: String) -> String { ScenarioText.quote(text) }
}
