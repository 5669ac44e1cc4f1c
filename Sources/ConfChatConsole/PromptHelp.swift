import ConfChatScenario

/// The prompt's commands as `help` prints them and tab completion offers them: the verbs
/// of the table `Verb.all`, and the commands only the prompt has.
struct PromptHelp {
    struct Entry {
        var verb: String
        var usage: String
        var summary: String
        var example: String
        /// Only in `confchat attach` (a simulated network behind the prompt).
        var attachOnly = false

        init(verb: String, usage: String, summary: String, example: String, attachOnly: Bool = false) {
            self.verb = verb
            self.usage = usage
            self.summary = summary
            self.example = example
            self.attachOnly = attachOnly
        }

        /// A verb of the table as the prompt shows it.
        init(_ verb: Verb) {
            self.init(verb: verb.name, usage: verb.usage, summary: verb.summary, example: verb.example,
                      attachOnly: verb.scope == .harness)
        }
    }

    /// The peer's own commands: the user verbs of the table (`Verb.all`), then the prompt's
    /// views of what the peer holds.
    static let own: [Entry] = Verb.all.filter { $0.scope == .user }.map(Entry.init) + [
        Entry(verb: "friends", usage: "friends", summary: "list your friends, each online or offline", example: "friends"),
        Entry(verb: "requests", usage: "requests", summary: "friend requests waiting for your answer", example: "requests"),
        Entry(verb: "messages", usage: "messages [NAME | #GROUP]", summary: "a conversation (both directions, in order), a group's messages, or a summary of all", example: "messages bob"),
        Entry(verb: "groups", usage: "groups", summary: "your groups with their members, and pending invitations", example: "groups"),
        Entry(verb: "status", usage: "status", summary: "who you are, logged in or out, and what is waiting", example: "status"),
        Entry(verb: "clear", usage: "clear", summary: "clear the screen (also Ctrl-L)", example: "clear"),
        Entry(verb: "help", usage: "help [COMMAND]", summary: "this list, or one command", example: "help send"),
        Entry(verb: "quit", usage: "quit", summary: "leave the prompt (also: exit, Ctrl-D)", example: "quit"),
    ]

    /// The simulated network's statements (attach only), with the table's harness verbs.
    static let network: [Entry] = [
        Entry(verb: "@", usage: "@NAME STATEMENT", summary: "act as another peer: any scenario action of NAME", example: "@bob send alice \"hi\"", attachOnly: true),
        Entry(verb: "wait", usage: "wait DURATION", summary: "advance simulated time at once; timers fire in order", example: "wait 5s", attachOnly: true),
        Entry(verb: "expect", usage: "expect ...", summary: "check a scenario expectation, waiting up to its budget", example: "expect bob received alice \"hi\"", attachOnly: true),
        Entry(verb: "partition", usage: "partition NAMES | NAMES", summary: "cut the network in two (or more) until heal", example: "partition alice | bob registry", attachOnly: true),
        Entry(verb: "heal", usage: "heal", summary: "remove every partition", example: "heal", attachOnly: true),
        Entry(verb: "registry", usage: "registry crash|restart", summary: "stop the registry abruptly / start it again", example: "registry crash", attachOnly: true),
    ] + Verb.all.filter { $0.scope == .harness }.map(Entry.init) + [
        Entry(verb: "peers", usage: "peers NAME...", summary: "start more virtual peers", example: "peers carol", attachOnly: true),
        Entry(verb: "timeout", usage: "timeout DURATION", summary: "the default budget of expect", example: "timeout 10s", attachOnly: true),
        Entry(verb: "!", usage: "! STATEMENT", summary: "an action that must be refused", example: "! @bob login wrong", attachOnly: true),
    ]

    /// Words accepted besides the listed verbs.
    static let aliases: [String: String] = ["exit": "quit", "?": "help", "msgs": "messages", "whoami": "status"]

    static func lines(attach: Bool) -> [String] {
        func table(_ entries: [Entry]) -> [String] {
            let width = entries.map(\.usage.count).max() ?? 0
            return entries.map { e in "  " + pad(e.usage, width) + "  " + e.summary + "  (e.g. " + e.example + ")" }
        }
        var out = ["Your peer (no name in front: you act as yourself):"] + table(own)
        if attach {
            out += ["", "The simulated network (confchat attach only; as in scenario files):"] + table(network)
            out.append("  (wait and expect move simulated time at once; otherwise it follows real time)")
        }
        out += [
            "",
            "Texts: \"...\" with the escapes \\\" \\\\ \\n \\t \\u{1F600}, or the unquoted rest of the line.",
            "Keys: Tab completes commands and names; Up/Down recall earlier lines (kept across sessions,",
            "      lines with a password excepted); Ctrl-C cancels a line or a command that waits; Ctrl-D quits.",
        ]
        return out
    }

    static func entry(_ verb: String) -> Entry? {
        let v = aliases[verb] ?? verb
        return (own + network).first { $0.verb == v || (v.hasPrefix("@") && $0.verb == "@") }
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    /// Levenshtein distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
