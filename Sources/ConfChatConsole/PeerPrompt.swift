import ConfChatCore
import ConfChatScenario
import Foundation

/// The interactive prompt's command interpreter: one line in, result lines out.
///
/// It knows nothing about terminals: `PromptLoop` feeds it lines (from libedit on a
/// terminal, or line by line from a pipe) and prints what it writes to `output`. It drives
/// any `PeerConsole`: a virtual peer of a simulation (`confchat attach`) or the peer of a
/// standalone process (`confchat peer`). With a `PromptNetwork` (attach only) it also runs
/// `@NAME ...` lines and network statements (`wait 5s`, `expect ...`, `partition ...`).
///
/// Every line it writes is one line of plain text, ready to print as is when stdin is not
/// a terminal: results as they are, errors starting with `error: ` (or `expectation
/// failed: `), and the peer's events, the moment they happen, starting with `[event] `:
///
///     [event] bob: hi there               a message from bob
///     [event] #team carol: hello all      a message to the group team
///     [event] bob is online (...)         presence, with the reason
///     [event] friend request from bob (accept bob / decline bob)
public final class PeerPrompt {
    public struct Line: Hashable, Sendable, CustomStringConvertible {
        public enum Kind: Hashable, Sendable { case result, error, event, info }
        public var kind: Kind
        public var text: String
        public init(_ kind: Kind, _ text: String) {
            self.kind = kind
            self.text = text
        }
        public static func result(_ t: String) -> Line { Line(.result, t) }
        public static func error(_ t: String) -> Line { Line(.error, t) }
        public static func event(_ t: String) -> Line { Line(.event, t) }
        public static func info(_ t: String) -> Line { Line(.info, t) }
        public var description: String { text }
    }

    public enum Outcome: Equatable, Sendable { case proceed, quit }

    public let console: any PeerConsole
    public let network: (any PromptNetwork)?
    /// Where every line goes (results, errors, events), in order.
    public var output: (Line) -> Void
    /// Events are written only while this is true (attach turns it off while its setup
    /// scenario runs; the ledger still records the order of messages).
    public var showEvents = true
    var ledger = MessageLedger()
    /// Asks for a password without showing it (a terminal sets this; plain mode has none,
    /// and there `login` needs its PASSWORD on the line).
    public var readSecret: ((String) -> String?)?
    /// Clears the screen (a terminal sets this).
    public var clearScreen: (() -> Void)?

    public init(console: any PeerConsole, network: (any PromptNetwork)? = nil, output: @escaping (Line) -> Void = { _ in }) {
        self.console = console
        self.network = network
        self.output = output
        let previous = console.onEvent
        console.onEvent = { [weak self] event in
            previous?(event)
            self?.observe(event)
        }
        ledger.start(with: (try? console.storedOrder()) ?? [])
        network?.progress = { [weak self] in self?.output(.info($0)) }
        sync()
    }

    public var name: String { console.name }

    // MARK: - Events

    func observe(_ event: PeerEvent) {
        if case let .delivered(from, seq, _, _) = event, let state = try? console.state() {
            ledger.delivered(ChatRecord.Key(peer: from, outgoing: false, seq: seq), in: state)
        }
        guard showEvents, let text = Self.describe(event) else { return }
        output(.event("[event] " + text))
    }

    /// An event in words, nil for the internal ones (duplicates, held-back messages, notes:
    /// the trace shows those).
    public static func describe(_ event: PeerEvent) -> String? {
        switch event {
        case let .delivered(from, _, text, nil): "\(from): \(display(text))"
        case let .delivered(from, _, text, group?): "#\(group) \(from): \(display(text))"
        case let .presence(friend, online, reason): "\(friend) is \(online ? "online" : "offline") (\(reason))"
        case let .friendRequest(from): "friend request from \(from) (accept \(from) / decline \(from))"
        case let .friendAdded(other): "\(other) is now your friend"
        case let .friendRemoved(other): "\(other) is no longer your friend"
        case let .groupInvitation(group, owner): "\(owner) invites you to #\(group) (join \(group))"
        case let .groupChanged(group, members): "#\(group) members: \(members.sorted().joined(separator: " "))"
        case let .groupRemoved(group, reason): "you are no longer in #\(group) (\(reason))"
        case .duplicate, .heldBack, .note, .refused: nil
        }
    }

    /// A message text on one line, safe for the terminal (`TerminalText`).
    static func display(_ text: String) -> String { TerminalText.escaped(text) }

    /// Places what the peer stored that no delivery event placed (`MessageLedger.sync`).
    func sync() {
        if let state = try? console.state() { ledger.sync(state) }
    }

    // MARK: - Lines

    /// Runs one line to completion (the network settles, a command gets its answer) and
    /// writes its result. Returns `.quit` for `quit`/`exit`.
    @discardableResult
    public func execute(_ line: String) -> Outcome {
        let trimmed = PromptLexer.trim(line)
        guard !trimmed.isEmpty else { return .proceed }
        sync()
        defer { sync() }
        do {
            return try dispatch(trimmed)
        } catch let e as PromptLexer.Failure {
            output(.error("error: \(e.message)"))
        } catch let e as CommandFailure {
            output(.error("error: \(e.message)"))
        } catch {
            output(.error("error: \(error)"))
        }
        return .proceed
    }

    private func dispatch(_ line: String) throws -> Outcome {
        // Scenario statements go to the scenario parser untouched.
        if line.hasPrefix("@") || line.hasPrefix("!") {
            try networkLine(line)
            return .proceed
        }
        let lexer = try PromptLexer(line)
        let words = lexer.tokens
        let verb = PromptHelp.aliases[words[0].text] ?? words[0].text
        let args = Array(words.dropFirst())
        func arg(_ i: Int, _ what: String) throws -> String {
            guard i < args.count else { throw usage(verb) }
            return args[i].text
        }
        func peerArg(_ i: Int) throws -> String {
            let n = try arg(i, "NAME")
            guard PeerName.isValid(n) else {
                throw CommandFailure("'\(n)' is not a valid name (\(PeerName.rule))")
            }
            return n
        }
        func groupArg(_ i: Int) throws -> String {
            var g = try arg(i, "GROUP")
            if g.hasPrefix("#") { g.removeFirst() }
            guard PeerName.isValid(g) else {
                throw CommandFailure("'\(g)' is not a valid group name (\(PeerName.rule))")
            }
            return g
        }
        func noMore(_ n: Int) throws {
            if args.count > n { throw CommandFailure("unexpected '\(args[n].text)' (usage: \(PromptHelp.entry(verb)?.usage ?? verb))") }
        }

        if let entry = Verb.named(verb) {
            try run(entry, lexer, peerArgument: peerArg, groupArgument: groupArg, noMore: noMore)
            return .proceed
        }
        switch verb {
        case "quit":
            return .quit
        case "help":
            help(args.first?.text)
        case "clear":
            try noMore(0)
            clearScreen?()
        case "friends":
            try noMore(0)
            try friends()
        case "requests":
            try noMore(0)
            try requests()
        case "messages":
            try noMore(1)
            if let target = args.first?.text {
                if target.hasPrefix("#") { try groupMessages(try groupArg(0)) } else { try conversation(try peerArg(0)) }
            } else {
                try summary()
            }
        case "groups":
            try noMore(0)
            try groups()
        case "status":
            try noMore(0)
            try status()
        case _ where Vocabulary.statementKeywords.contains(verb) && verb != "include":
            try networkLine(line)
        default:
            if let network, network.peerNames.contains(verb), args.first.map({ !$0.quoted }) ?? false {
                throw CommandFailure("unknown command '\(verb)'; to act as \(verb), write @\(verb) \(lexer.rest(from: 1))")
            }
            throw CommandFailure("unknown command '\(verb)'\(suggestion(verb)); type help for the list")
        }
        return .proceed
    }

    /// Runs a verb of the table: reads its arguments by their kinds, then gives the command
    /// as this peer, or (a harness verb, attach only) runs it on the named peer.
    private func run(_ verb: Verb, _ lexer: PromptLexer, peerArgument: (Int) throws -> String,
                     groupArgument: (Int) throws -> String, noMore: (Int) throws -> Void) throws {
        if verb.scope == .harness {
            guard network != nil else { throw attachOnly(verb.name) }
            let other = try peerArgument(0)
            try noMore(1)
            return try networkLine("\(other) \(verb.name)")
        }
        var values: [String] = []
        for (i, argument) in verb.arguments.enumerated() {
            switch argument.kind {
            case .password: values.append(try password(lexer.tokens.dropFirst(), at: i, verb: verb.name))
            case .peer: values.append(try peerArgument(i))
            case .group: values.append(try groupArgument(i))
            case .text: values.append(try messageText(lexer, from: i + 1, verb: verb.name))
            }
        }
        if verb.arguments.last?.kind != .text { try noMore(verb.arguments.count) }
        guard case let .command(command) = verb.action(values) else { return }
        let done = verb.confirmation(me: name, values: values) ?? "ok"
        if try self.command(command, done: done), case .login = command { afterLogin() }
    }

    /// The PASSWORD of `login`/`register`: on the line, or asked for without echo.
    private func password(_ args: ArraySlice<PromptLexer.Token>, at index: Int, verb: String) throws -> String {
        if args.count > index { return args[args.startIndex + index].text }
        guard let readSecret else {
            throw CommandFailure("\(verb) needs the password on the line when input is not a terminal (e.g. \(verb) s3cret)")
        }
        guard let pw = readSecret("password for \(name): "), !pw.isEmpty else { throw CommandFailure("no password given; \(verb) cancelled") }
        return pw
    }

    /// Whether a line holds a password (`login pw`, `@bob register pw`, `! login pw`), which
    /// is kept out of the history.
    public static func holdsSecret(_ line: String) -> Bool {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var refusal = false
        if words.first == "!" { words.removeFirst(); refusal = true } else if let w = words.first, w.hasPrefix("!") { words[0].removeFirst(); refusal = true }
        func isSecretVerb(_ w: String) -> Bool { Verb.named(w)?.arguments.first?.kind == .password }
        // `@bob login pw`, and in a refusal also the scenario form `! bob login pw`.
        if let w = words.first, w.hasPrefix("@") || (refusal && words.count > 1 && isSecretVerb(words[1])) { words.removeFirst() }
        guard let verb = words.first else { return false }
        return isSecretVerb(verb) && words.count > 1
    }

    private func usage(_ verb: String) -> CommandFailure {
        CommandFailure("usage: \(PromptHelp.entry(verb)?.usage ?? verb)  (e.g. \(PromptHelp.entry(verb)?.example ?? verb))")
    }

    private func attachOnly(_ verb: String) -> CommandFailure {
        CommandFailure("'\(verb)' acts on the simulated network: only in confchat attach")
    }

    private func suggestion(_ verb: String) -> String {
        let verbs = (PromptHelp.own + (network == nil ? [] : PromptHelp.network)).map(\.verb).filter { $0 != "@" && $0 != "!" }
        let best = verbs.map { ($0, PromptHelp.distance($0, verb)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(1, min(2, verb.count / 2)) else { return "" }
        return " (did you mean '\(best.0)'?)"
    }

    /// The text of `send NAME TEXT`: one quoted string, or the unquoted rest of the line.
    private func messageText(_ lexer: PromptLexer, from index: Int, verb: String) throws -> String {
        let tokens = lexer.tokens
        guard index < tokens.count else { throw usage(verb) }
        if tokens[index].quoted {
            guard tokens.count == index + 1 else {
                throw CommandFailure("unexpected '\(tokens[index + 1].text)' after the quoted text (put the whole text between the quotes)")
            }
            return tokens[index].text
        }
        let rest = lexer.rest(from: index)
        if rest.contains("\"") {
            throw CommandFailure("a text with a quote in it must be quoted as a whole, with \\\" for the quote: \(verb) ... \"say \\\"hi\\\"\"")
        }
        return rest
    }

    /// Runs one of the peer's own commands; writes `done` or the refusal. True on success.
    @discardableResult
    private func command(_ c: PeerCommand, done: String) throws -> Bool {
        if let failure = try console.run(c) {
            output(.error("error: \(failure.message)"))
            return false
        }
        output(.result(done))
        return true
    }

    private func afterLogin() {
        guard let state = try? console.state() else { return }
        if !state.requests.isEmpty {
            output(.info("friend requests waiting: \(state.requests.sorted().joined(separator: " ")) (accept NAME / decline NAME)"))
        }
        for (g, owner) in state.invitations.sorted(by: { $0.key < $1.key }) {
            output(.info("\(owner) invites you to #\(g) (join \(g))"))
        }
    }

    /// `@bob ...`, `! ...`, `wait 5s`, `expect ...`: a scenario statement for the network.
    private func networkLine(_ line: String) throws {
        guard let network else {
            let word = line.split(separator: " ").first.map(String.init) ?? line
            throw attachOnly(word.hasPrefix("@") ? "@NAME" : word)
        }
        var source = line
        if source.hasPrefix("!") {
            source.removeFirst()
            source = PromptLexer.trim(source)
            if source.hasPrefix("@") { source.removeFirst() }
            source = "! " + source
        } else if source.hasPrefix("@") {
            source.removeFirst()
            guard let first = source.first, !first.isWhitespace else {
                throw CommandFailure("usage: @NAME STATEMENT  (e.g. @bob send \(name) \"hi\")")
            }
            if try viewAs(source) { return }
        }
        for line in network.runStatement(source) { output(line) }
    }

    /// The prompt's own views of any peer's state, which are not scenario statements:
    /// `@bob messages alice`, `@bob friends`, `@bob status`... (and `@alice ...` as oneself).
    private func viewAs(_ source: String) throws -> Bool {
        let words = source.split(separator: " ", maxSplits: 1).map(String.init)
        guard words.count == 2, let network else { return false }
        let verb = words[1].split(separator: " ").first.map(String.init) ?? ""
        let views: Set<String> = ["messages", "msgs", "friends", "requests", "groups", "status", "whoami"]
        guard views.contains(verb) else { return false }
        if words[0] == name {
            execute(words[1])
            return true
        }
        guard let other = network.console(for: words[0]) else { return false }
        let view = PeerPrompt(console: other, output: output)
        view.execute(words[1])
        return true
    }

    // MARK: - Views

    private func friends() throws {
        let state = try console.state()
        guard !state.friends.isEmpty else {
            return output(.result("no friends yet (add-friend NAME)"))
        }
        let loggedIn = try console.isLoggedIn()
        let width = state.friends.keys.map(\.count).max() ?? 0
        for f in state.sortedFriends {
            let online = try console.sees(f) ?? false
            output(.result(PromptHelp.pad(f, width) + "  " + (online ? "online" : "offline")))
        }
        if !loggedIn { output(.info("(you are logged out: you see no one online until you log in)")) }
    }

    private func requests() throws {
        let state = try console.state()
        if state.requests.isEmpty { return output(.result("no friend requests waiting")) }
        output(.result("friend requests from: \(state.requests.sorted().joined(separator: " ")) (accept NAME / decline NAME)"))
    }

    private func line(_ r: ChatRecord, unconfirmedAbove acked: UInt64?, times: [ChatRecord.Key: Int64] = [:]) -> String {
        let who = r.outgoing ? name : r.peer
        let when = times[r.key].map { Self.localTime($0) + "  " } ?? ""
        var text = "  \(when)\(who): \(Self.display(r.text))"
        if r.outgoing, let acked, r.seq > acked { text += "   (not confirmed yet)" }
        return text
    }

    private func conversation(_ other: String) throws {
        let state = try console.state()
        let records = ledger.conversation(state, with: other)
        guard !records.isEmpty else {
            let hint = state.friends[other] == nil ? " (\(other) is not your friend)" : ""
            return output(.result("no messages with \(other)\(hint)"))
        }
        output(.result("conversation with \(other) (\(count(records.count, "message"))):"))
        let acked = state.conversations[other]?.acked
        let times = (try? console.storedTimes()) ?? [:]
        for r in records { output(.result(line(r, unconfirmedAbove: acked, times: times))) }
    }

    private func groupMessages(_ g: String) throws {
        let state = try console.state()
        let records = ledger.group(state, g)
        guard !records.isEmpty else {
            let hint = state.groups[g] == nil ? " (you are not in #\(g))" : ""
            return output(.result("no messages in #\(g)\(hint)"))
        }
        output(.result("#\(g) (\(count(records.count, "message"))):"))
        let times = (try? console.storedTimes()) ?? [:]
        for r in records { output(.result(line(r, unconfirmedAbove: nil, times: times))) }
    }

    private func summary() throws {
        let state = try console.state()
        var rows: [(label: String, count: Int, last: ChatRecord, position: Int)] = []
        for other in state.conversations.keys.sorted() {
            let records = ledger.conversation(state, with: other)
            if let last = records.last {
                rows.append((other, records.count, last, ledger.position(of: last) ?? Int.max))
            }
        }
        var groups = Set(state.groups.keys)
        for c in state.conversations.values {
            for r in c.sent + c.received { if let g = r.group, r.isShown { groups.insert(g) } }
        }
        for g in groups.sorted() {
            let records = ledger.group(state, g)
            if let last = records.last {
                rows.append(("#" + g, records.count, last, ledger.position(of: last) ?? Int.max))
            }
        }
        guard !rows.isEmpty else { return output(.result("no messages yet (send NAME \"TEXT\")")) }
        output(.result("conversations (messages NAME or messages #GROUP to read one):"))
        let width = rows.map(\.label.count).max() ?? 0
        let cWidth = rows.map { count($0.count, "message").count }.max() ?? 0
        for row in rows.sorted(by: { $0.position > $1.position }) {
            let who = row.last.outgoing ? name : row.last.peer
            output(.result("  \(PromptHelp.pad(row.label, width))  \(PromptHelp.pad(count(row.count, "message"), cWidth))  last: \(who): \(Self.display(row.last.text))"))
        }
    }

    private func groups() throws {
        let state = try console.state()
        if state.groups.isEmpty && state.invitations.isEmpty {
            return output(.result("no groups (create-group NAME, or join one you are invited to)"))
        }
        for (g, view) in state.groups.sorted(by: { $0.key < $1.key }) {
            let owner = view.owner == name ? "you own it" : "owner \(view.owner)"
            output(.result("#\(g) (\(owner)): \(view.members.keys.sorted().joined(separator: " "))"))
        }
        for (g, owner) in state.invitations.sorted(by: { $0.key < $1.key }) {
            output(.result("invitation to #\(g) from \(owner) (join \(g))"))
        }
    }

    private func status() throws {
        let state = try console.state()
        let loggedIn = try console.isLoggedIn()
        var online = 0
        for f in state.friends.keys where try console.sees(f) == true { online += 1 }
        var parts = ["\(name): \(loggedIn ? "logged in" : state.credentials == nil ? "logged out (no account here yet: register or login)" : "logged out")"]
        parts.append("\(count(state.friends.count, "friend")) (\(online) online)")
        parts.append(count(state.requests.count, "friend request"))
        parts.append(count(state.groups.count, "group"))
        if !state.invitations.isEmpty { parts.append(count(state.invitations.count, "invitation")) }
        switch try console.registryAnswers() {
        case true?: parts.append("registry reachable")
        case false?: parts.append("registry not answering (requests wait for it; friends online still get messages directly)")
        case nil where loggedIn: parts.append("registry not heard from yet (its answer to the login is awaited)")
        case nil: break
        }
        output(.result(parts.joined(separator: ", ")))
    }

    private func help(_ topic: String?) {
        if let topic {
            guard let e = PromptHelp.entry(topic), !e.attachOnly || network != nil else {
                return output(.error("error: no command '\(topic)'\(suggestion(topic)); type help for the list"))
            }
            return output(.result("\(e.usage)  \(e.summary)  (e.g. \(e.example))"))
        }
        for l in PromptHelp.lines(attach: network != nil) { output(.result(l)) }
    }

    /// Unix seconds as local "2026-12-01 14:03".
    static func localTime(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var local = tm()
        localtime_r(&t, &local)
        return String(format: "%04d-%02d-%02d %02d:%02d", local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min)
    }

    private func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
