/// Writes parsed statements back as scenario lines, so that a program can build a scenario
/// as values and save it as a file `confchat run` reads back to the same values: chaos writes
/// its reproductions this way, and the bench its generated scenarios.
///
/// Peer actions are printed from the verb table (`Verb.all`), as the parser reads them.
public enum ScenarioPrinter {
    /// The statement as one line of a scenario file.
    public static func line(_ kind: StatementKind) -> String {
        switch kind {
        case let .peers(names): "peers " + names.joined(separator: " ")
        case let .transport(transport): "transport \(transport.rawValue)"
        case let .seed(seed): "seed \(seed)"
        case let .timeout(duration): "timeout \(duration)"
        case let .presenceTimeout(duration): "presence-timeout \(duration)"
        case let .action(action, expectRefusal): (expectRefusal ? "! " : "") + line(action)
        case let .expect(expectation, within): "expect " + line(expectation) + (within.map { " within \($0)" } ?? "")
        }
    }

    /// An action as a line (without `!`).
    public static func line(_ action: Action) -> String {
        switch action {
        case let .peer(name, peerAction): return name + " " + line(peerAction)
        case let .wait(duration): return "wait \(duration)"
        case let .partition(groups): return "partition " + groups.map { $0.joined(separator: " ") }.joined(separator: " | ")
        case .heal: return "heal"
        case .registryCrash: return "registry crash"
        case .registryRestart: return "registry restart"
        case let .network(setting): return setting.description
        case let .crashMidInput(node, step):
            return ([node, "crash"] + StatementParser.midInputWords + [String(step)]).joined(separator: " ")
        }
    }

    /// A peer's action as the words after the peer's name: for a user verb, the very line a
    /// user types at that peer's prompt (the runner of `run --processes` sends it so).
    public static func line(_ action: PeerAction) -> String {
        let (verb, values) = Verb.describing(action)
        return ([verb.name] + zip(verb.arguments, values).map { $0.printed($1) }).joined(separator: " ")
    }

    /// An expectation as the words after `expect`.
    static func line(_ expectation: Expectation) -> String {
        let rest: [String] = switch expectation {
        case let .received(_, from, text): [from, ScenarioText.quote(text)]
        case let .conversation(_, with, texts): [with] + texts.map(ScenarioText.quote)
        case let .sent(_, to, texts): [to] + texts.map(ScenarioText.quote)
        case let .sees(_, friend, online): [friend, online ? "online" : "offline"]
        case let .friends(_, names), let .requests(_, names): names
        case .session: []
        case let .group(_, group, from, texts): [group, from] + texts.map(ScenarioText.quote)
        case let .members(_, group, names): [group] + names
        }
        return ([expectation.peer, expectation.word.rawValue] + rest).joined(separator: " ")
    }
}
