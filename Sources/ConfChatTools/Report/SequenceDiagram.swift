import ConfChatCore
import ConfChatSimulator

/// A run's trace as a sequence diagram: one lifeline a node (the registry first, then the
/// peers in the order they were declared) and one row an event, top to bottom in trace order.
///
/// On a perfect network the simulator carries a message the moment it is sent, so an arrow is
/// one row: sender to receiver. Under network conditions a delayed message is drawn slanted
/// (it arrives later than it left; its label says when), and a lost one ends in an x. Rows are the model; the SVG
/// and Mermaid renderers only draw them, so both show the same thing.
///
/// Built from `TraceEvent`s only, so the same trace always gives the same diagram.
public struct SequenceDiagram: Sendable, Equatable {
    /// What to leave out, and when to fold.
    public struct Options: Sendable, Equatable {
        /// Keep only these nodes (peer names, `registry`): arrows between two of them, and
        /// marks on one of them. Statements, partitions, heals and failures always stay.
        public var only: [String]?
        /// Show HEARTBEAT, PING and PONG (each run of them folded into one arrow a sender,
        /// receiver and kind, with a count). Off: they are left out and only counted.
        public var showKeepalives: Bool
        /// Above this many arrows, consecutive arrows of one kind between the same two nodes
        /// fold into one (`CHAT ×3`).
        public var foldAbove: Int

        public init(only: [String]? = nil, showKeepalives: Bool = false, foldAbove: Int = 400) {
            self.only = only
            self.showKeepalives = showKeepalives
            self.foldAbove = foldAbove
        }
    }

    /// The message kinds that keep connections and presence alive: many, and rarely the story.
    public static let keepaliveKinds: Set<String> = ["HEARTBEAT", "PING", "PONG"]

    public struct Arrow: Sendable, Equatable {
        public enum Style: Sendable, Equatable {
            case sent
            /// The transport did not carry it (partition, receiver down): drawn ending in an x.
            case dropped(reason: String)
            /// Carried, but the receiver could not decode it.
            case rejected(reason: String)
            /// Lost on the way by the network's conditions (`network loss`): drawn ending in an x.
            case lost
        }

        public var from: String
        public var to: String
        public var kind: String
        public var fields: String
        public var style: Style
        /// How many messages this arrow stands for (folded runs), and the times of the first
        /// and the last one.
        public var count = 1
        public var firstTime: SimInstant?
        public var lastTime: SimInstant?
        /// The key fields of the last message of a folded run.
        public var lastFields: String?
        /// How long it took to arrive, under network conditions (nil: at once); drawn slanted.
        public var delay: Int64?
        /// The second copy of a message the network duplicated.
        public var duplicate = false

        public var isKeepalive: Bool { SequenceDiagram.keepaliveKinds.contains(kind) }

        /// `KIND ×N fields`: what the renderers write on the arrow.
        public var label: String {
            var s = kind
            if count > 1 { s += " ×\(count)" }
            var f = fields
            if count > 1, let last = lastFields, last != fields { f = fields.isEmpty ? last : "\(fields) … \(last)" }
            if !f.isEmpty { s += " " + f }
            if count > 1, let first = firstTime, let last = lastTime, first != last { s += " (\(first)–\(last))" }
            switch style {
            case .sent: break
            case let .dropped(reason): s += " (dropped: \(reason))"
            case let .rejected(reason): s += " (rejected: \(reason))"
            case .lost: s += " (lost)"
            }
            if duplicate { s += " (duplicate)" }
            if let delay { s += " (arrives +\(delay)ms)" }
            return s
        }
    }

    /// Something that happened on one node.
    public enum Mark: Sendable, Equatable {
        case crash(String)
        case restart(String)
        case wipe(String)
        /// Another fault on this node (a crash in the middle of handling a message...).
        case fault(String)
        case presence(friend: String, online: Bool, reason: String)
        case delivered(from: String, seq: UInt64, text: String, group: String?)
        case note(String)

        /// The text the renderers print on the node's lifeline.
        public var label: String {
            switch self {
            case let .crash(t), let .restart(t), let .wipe(t), let .fault(t), let .note(t): t
            case let .presence(friend, online, reason): "sees \(friend) \(online ? "online" : "offline") (\(reason))"
            case let .delivered(from, seq, text, group):
                "delivered \(group.map { "#\($0) " } ?? "")from \(from) seq=\(seq) \(TraceFormatter.quote(text))"
            }
        }
    }

    /// Something that concerns the whole network, drawn across every lifeline.
    public enum Band: Sendable, Equatable {
        case partition(String)
        case heal(String)
        /// A fault that names no node of the diagram.
        case fault(String)
        /// An expectation or action that did not hold: where, the statement, what was found.
        case failure(location: String, source: String, detail: String)
        /// A line that passed with something to say (`refused as expected: ...`).
        case passed(location: String, detail: String)

        public var label: String {
            switch self {
            case let .partition(t), let .heal(t), let .fault(t): t
            case let .failure(location, source, detail): "FAILED \(location): \(source)\n\(detail)"
            case let .passed(_, detail): "ok: \(detail)"
            }
        }
    }

    public enum Row: Sendable, Equatable {
        /// Where a statement starts. `failed`: the step where an expectation failed.
        case statement(location: String, source: String, failed: Bool)
        case arrow(Arrow)
        case mark(node: String, Mark)
        case band(Band)
    }

    public struct Entry: Sendable, Equatable {
        public var time: SimInstant
        public var row: Row
    }

    /// The scenario (its path), for the title.
    public var title: String
    /// Lifelines, left to right.
    public var participants: [String]
    public var entries: [Entry]
    /// Keepalive messages left out (`Options.showKeepalives` off).
    public var hiddenKeepalives = 0
    /// Messages left out by `Options.only`.
    public var filteredOut = 0
    /// Arrows folded into the one before (count - 1 each).
    public var folded = 0
    /// Whether any step failed.
    public var failed: Bool { entries.contains { if case .band(.failure) = $0.row { true } else { false } } }
    /// The entry index at which each participant is declared by a `peers` line; absent
    /// means from the start (or never declared: a lifeline from the start then).
    public var declarationIndex: [String: Int] {
        var out: [String: Int] = [:]
        for (i, e) in entries.enumerated() {
            guard case let .statement(_, source, _) = e.row else { continue }
            for name in Self.declaredPeers(in: source) where out[name] == nil { out[name] = i }
        }
        return out
    }

    public var arrows: [Arrow] {
        entries.compactMap { if case let .arrow(a) = $0.row { a } else { nil } }
    }

    public init(title: String, participants: [String], entries: [Entry]) {
        self.title = title
        self.participants = participants
        self.entries = entries
    }

    /// Builds the diagram of a trace.
    /// - Parameters:
    ///   - peers: the scenario's declared peers, in order (lifelines left to right after the
    ///     registry). Peers that only the trace names are added in order of appearance.
    public static func build(title: String, events: [TraceEvent], peers: [String] = [],
                             options: Options = .init()) -> SequenceDiagram {
        // Lifelines: the registry, declared peers, then every other name the trace shows.
        var all: [String] = [PeerName.registry]
        func see(_ n: String) { if !n.isEmpty, !all.contains(n) { all.append(n) } }
        peers.forEach(see)
        for e in events {
            switch e.kind {
            case let .statement(_, source): declaredPeers(in: source).forEach(see)
            case let .send(from, to, _, _, _), let .drop(from, to, _, _), let .lost(from, to, _, _): see(from); see(to)
            case let .reject(at, from, _): see(from); see(at)
            case let .deliver(peer, from, _, _, _): see(peer); see(from)
            case let .presence(peer, friend, _, _): see(peer); see(friend)
            case let .note(node, _): see(node)
            case .fault, .outcome: break
            }
        }
        let keep: Set<String>? = options.only.map(Set.init)
        let participants = keep.map { k in all.filter { k.contains($0) } } ?? all
        let shown = Set(participants)

        var d = SequenceDiagram(title: title, participants: participants, entries: [])
        var lastStatement: Int?
        for e in events {
            func add(_ row: Row) { d.entries.append(Entry(time: e.time, row: row)) }
            switch e.kind {
            case let .statement(location, source):
                lastStatement = d.entries.count
                add(.statement(location: location, source: source, failed: false))
            case let .send(from, to, kind, fields, transit):
                var a = Arrow(from: from, to: to, kind: kind, fields: readable(fields), style: .sent)
                if let transit {
                    a.delay = transit.arrival - e.time
                    a.duplicate = transit.duplicate
                }
                addArrow(a, into: &d, shown: shown, options: options, time: e.time)
            case let .lost(from, to, kind, fields):
                addArrow(Arrow(from: from, to: to, kind: kind, fields: readable(fields), style: .lost), into: &d, shown: shown, options: options, time: e.time)
            case let .drop(from, to, kind, reason):
                addArrow(Arrow(from: from, to: to, kind: kind, fields: "", style: .dropped(reason: reason)), into: &d, shown: shown, options: options, time: e.time)
            case let .reject(at, from, reason):
                addArrow(Arrow(from: from, to: at, kind: "REJECTED", fields: "", style: .rejected(reason: reason)), into: &d, shown: shown, options: options, time: e.time)
            case let .deliver(peer, from, seq, text, group):
                if shown.contains(peer) { add(.mark(node: peer, .delivered(from: from, seq: seq, text: text, group: group))) }
            case let .presence(peer, friend, online, reason):
                if shown.contains(peer) { add(.mark(node: peer, .presence(friend: friend, online: online, reason: reason))) }
            case let .note(node, text):
                if shown.contains(node) { add(.mark(node: node, .note(text))) }
            case let .fault(fault):
                switch place(fault, nodes: all) {
                case let .node(name, mark): if shown.contains(name) { add(.mark(node: name, mark)) }
                case let .band(band): add(.band(band))
                }
            case let .outcome(location, ok, detail):
                if ok {
                    add(.band(.passed(location: location, detail: detail)))
                } else {
                    var source = ""
                    if let i = lastStatement, case let .statement(l, s, _) = d.entries[i].row, l == location {
                        d.entries[i].row = .statement(location: l, source: s, failed: true)
                        source = s
                    }
                    add(.band(.failure(location: location, source: source, detail: detail)))
                }
            }
        }
        if options.showKeepalives { foldKeepaliveRuns(&d) }
        if d.arrows.count > options.foldAbove { foldRepeats(&d) }
        return d
    }

    private static func addArrow(_ a: Arrow, into d: inout SequenceDiagram, shown: Set<String>, options: Options, time: SimInstant) {
        guard shown.contains(a.from), shown.contains(a.to) else { d.filteredOut += 1; return }
        if a.isKeepalive && !options.showKeepalives { d.hiddenKeepalives += 1; return }
        d.entries.append(Entry(time: time, row: .arrow(a)))
    }

    /// Key fields with binary bodies (sealed mail, which the trace decodes as text) shown as
    /// `‹binary›`: a quoted string holding U+FFFD or escaped control characters says nothing
    /// readable, and it is long.
    static func readable(_ fields: String) -> String {
        guard let open = fields.firstIndex(of: "\""), fields.last == "\"", fields.index(before: fields.endIndex) > open else { return fields }
        let body = fields[open...]
        let controls = body.ranges(of: "\\u{").count
        guard body.contains("\u{FFFD}") || controls >= 2 else { return fields }
        return fields[..<open] + "‹binary, \(body.utf8.count) bytes as text›"
    }

    /// The names a `peers alice bob` statement declares.
    static func declaredPeers(in source: String) -> [String] {
        let words = source.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.first == "peers" else { return [] }
        return words.dropFirst().prefix { !$0.hasPrefix("#") }.map(String.init)
    }

    enum FaultPlace { case node(String, Mark), band(Band) }

    /// Puts a fault on the lifeline of the node it happened to (a crash, part way or not, a
    /// restart, a wipe, a fault point armed or called off), or across all of them (a
    /// partition, a heal, a node not drawn).
    static func place(_ fault: FaultEvent, nodes: [String]) -> FaultPlace {
        let text = fault.description
        switch fault {
        case .partition: return .band(.partition(text))
        case .heal: return .band(.heal(text))
        case .network: return .band(.fault(text))
        case let .crash(node), let .crashPartWay(node, _, _, _), let .restart(node), let .wipe(node),
             let .armed(node, _), let .disarmed(node):
            guard nodes.contains(node) else { return .band(.fault(text)) }
            switch fault {
            case .restart: return .node(node, .restart(text))
            case .wipe: return .node(node, .wipe(text))
            case .armed, .disarmed: return .node(node, .fault(text))
            default: return .node(node, .crash(text))
            }
        }
    }

    /// Each maximal run of keepalive arrows (nothing else between them) becomes one arrow a
    /// (sender, receiver, kind, style), in order of first appearance, with a count.
    static func foldKeepaliveRuns(_ d: inout SequenceDiagram) {
        var out: [Entry] = []
        var run: [Entry] = []
        func flush() {
            var groups: [Entry] = []
            for e in run {
                guard case let .arrow(a) = e.row else { continue }
                if let i = groups.firstIndex(where: { if case let .arrow(g) = $0.row { sameLine(g, a) } else { false } }),
                   case var .arrow(g) = groups[i].row {
                    g.count += 1
                    g.firstTime = g.firstTime ?? groups[i].time
                    g.lastTime = e.time
                    g.lastFields = a.fields
                    groups[i].row = .arrow(g)
                    d.folded += 1
                } else {
                    groups.append(e)
                }
            }
            out += groups
            run = []
        }
        for e in d.entries {
            if case let .arrow(a) = e.row, a.isKeepalive { run.append(e); continue }
            flush()
            out.append(e)
        }
        flush()
        d.entries = out
    }

    /// Consecutive arrows of one kind and style between the same two nodes become one.
    static func foldRepeats(_ d: inout SequenceDiagram) {
        var out: [Entry] = []
        for e in d.entries {
            if case let .arrow(a) = e.row, let last = out.last, case var .arrow(prev) = last.row, sameLine(prev, a) {
                prev.count += a.count
                prev.firstTime = prev.firstTime ?? last.time
                prev.lastTime = a.lastTime ?? e.time
                prev.lastFields = a.lastFields ?? a.fields
                out[out.count - 1].row = .arrow(prev)
                d.folded += a.count
                continue
            }
            out.append(e)
        }
        d.entries = out
    }

    private static func sameLine(_ a: Arrow, _ b: Arrow) -> Bool {
        a.from == b.from && a.to == b.to && a.kind == b.kind && a.style == b.style && (a.delay == nil) == (b.delay == nil)
            && a.duplicate == b.duplicate
    }
}
