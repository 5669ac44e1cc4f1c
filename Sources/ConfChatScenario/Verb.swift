import ConfChatCore

/// One user verb, described once: its name, its arguments with their kinds, its help text,
/// what the prompt answers when it succeeds, and how its argument values become a
/// `PeerAction` and back.
///
/// The scenario parser, the scenario printer, and the prompt's parser, `help` and tab
/// completion all read the table `Verb.all`; none of them lists verbs of its own. Adding a
/// verb is one entry there plus the machine's handling of its command.
///
/// A class, not a struct, though nothing in it changes: the scenario parser looks up a verb
/// on almost every line, and a struct copied out of the table retained and released each
/// field that holds a reference (its four strings, its arguments, its two closures) where a
/// class reference is one count.
public final class Verb: Sendable {
    /// Who gives the verb.
    public enum Scope: Sendable, Equatable {
        /// A command users give their own peer (a `PeerCommand`): at the prompt it is typed
        /// as oneself, `add-friend bob`.
        case user
        /// Something the harness does to a peer's process or data: at the prompt (attach
        /// only) it names the peer, `crash bob`.
        case harness
    }

    public let name: String
    public let scope: Scope
    public let arguments: [VerbArgument]
    /// What the verb does, in the words of the prompt's `help`.
    public let summary: String
    /// A prompt line using it, for `help`.
    public let example: String
    /// The prompt's answer on success, with `{ME}` for the acting peer and the arguments'
    /// placeholders (`{NAME}`, `{GROUP}`) for their values; nil for harness verbs, which
    /// answer as network statements do.
    let confirmation: String?
    /// Builds the action from the argument values, one a declared argument, in order.
    private let make: @Sendable ([String]) -> PeerAction
    /// The argument values of `action` when it is this verb's, else nil: `make` undone.
    private let values: @Sendable (PeerAction) -> [String]?

    init(_ name: String, scope: Scope = .user, arguments: [VerbArgument], summary: String, example: String,
         done confirmation: String?, make: @escaping @Sendable ([String]) -> PeerAction,
         values: @escaping @Sendable (PeerAction) -> [String]?) {
        self.name = name
        self.scope = scope
        self.arguments = arguments
        self.summary = summary
        self.example = example
        self.confirmation = confirmation
        self.make = make
        self.values = values
    }

    /// The action this verb makes of `values`, which must be one value per argument, each
    /// already checked for its kind (the parsers do that).
    public func action(_ values: [String]) -> PeerAction {
        precondition(values.count == arguments.count, "\(name) takes \(arguments.count) arguments, got \(values.count)")
        return make(values)
    }

    /// The verb with its name, if there is one.
    public static func named(_ name: String) -> Verb? {
        places[name].map { all[$0] }
    }

    /// Each verb's place in `all`, by name: the scenario parser looks up a verb on almost
    /// every line, and a search of the table compared the word with each name before it.
    private static let places: [String: Int] = Dictionary(all.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// The verb that makes `action`, with the argument values that make it.
    public static func describing(_ action: PeerAction) -> (verb: Verb, values: [String]) {
        for verb in all {
            if let values = verb.values(action) { return (verb, values) }
        }
        preconditionFailure("no verb in Verb.all makes \(action)")
    }

    /// The names of all verbs, in the table's order (the spec's), for "expected one of" messages.
    public static let names: [String] = all.map(\.name)

    /// The prompt's answer when the verb succeeded for `me` with these argument values.
    public func confirmation(me: String, values: [String]) -> String? {
        guard var text = confirmation else { return nil }
        text = text.replacingAll("{ME}", with: me)
        for (argument, value) in zip(arguments, values) where argument.kind == .peer || argument.kind == .group {
            text = text.replacingAll("{\(argument.placeholder)}", with: value)
        }
        return text
    }

    /// The prompt's usage line: `send NAME "TEXT"`, `register [PASSWORD]` (the prompt asks
    /// for a missing password), `crash NAME` (a harness verb names its peer).
    public var usage: String {
        let words: [String] = switch scope {
        case .harness: ["NAME"]
        case .user:
            arguments.map { argument in
                switch argument.kind {
                case .password: "[PASSWORD]"
                case .text: "\"TEXT\""
                case .peer, .group: argument.placeholder
                }
            }
        }
        return ([name] + words).joined(separator: " ")
    }
}

private extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
