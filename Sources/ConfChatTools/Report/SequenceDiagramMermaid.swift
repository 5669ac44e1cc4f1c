/// Writes a `SequenceDiagram` as a Mermaid `sequenceDiagram`, which code-hosting sites render
/// in Markdown (a ```` ```mermaid ```` block) and in issues.
///
/// Arrows are `->>` (`-->>` for keepalives, `-x` for dropped messages, ending in a cross);
/// crashes, restarts, presence changes and deliveries are `Note over NODE`; partitions, heals
/// and failures are notes over every lifeline, and the failing step sits in a red `rect`.
/// Statements that run with nothing to draw between them share one note.
public struct SequenceDiagramMermaid {
    public var diagram: SequenceDiagram

    public init(_ diagram: SequenceDiagram) { self.diagram = diagram }

    /// Mermaid words that cannot be a participant's bare name.
    static let reserved: Set<String> = [
        "participant", "actor", "as", "loop", "alt", "else", "opt", "par", "and", "rect", "end", "note",
        "over", "left", "right", "of", "critical", "break", "box", "create", "destroy", "activate",
        "deactivate", "autonumber", "title", "link", "links", "properties", "details", "off", "on",
    ]

    public func text() -> String {
        let d = diagram
        var ids: [String: String] = [:]
        var out = ["sequenceDiagram", "    title \(escape(d.title))"]
        for (i, name) in d.participants.enumerated() {
            // Bare names where Mermaid's grammar allows them; an alias otherwise (`carol-2`,
            // `alex`: a `-` or an `x` next to an arrow could read as part of it).
            let simple = name.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
            if simple, !Self.reserved.contains(name), !name.hasPrefix("x"), !name.hasSuffix("x") {
                ids[name] = name
                out.append("    participant \(name)")
            } else {
                let id = "p\(i)"
                ids[name] = id
                out.append("    participant \(id) as \(escape(name))")
            }
        }
        guard let first = d.participants.first.flatMap({ ids[$0] }), let last = d.participants.last.flatMap({ ids[$0] }) else {
            return out.joined(separator: "\n") + "\n"
        }
        let span = first == last ? first : "\(first),\(last)"

        var pendingSteps: [String] = []
        var inRect = false
        func flushSteps() {
            guard !pendingSteps.isEmpty else { return }
            out.append("    Note over \(span): \(pendingSteps.joined(separator: "<br/>"))")
            pendingSteps = []
        }
        for e in d.entries {
            switch e.row {
            case let .statement(location, source, failed):
                if inRect { flushSteps(); out.append("    end"); inRect = false }
                let step = escape("\(Self.lineNumber(location)) \(source)")
                if failed {
                    flushSteps()
                    out.append("    rect rgb(255, 228, 228)")
                    inRect = true
                }
                pendingSteps.append(step)
            case let .arrow(a):
                flushSteps()
                guard let from = ids[a.from], let to = ids[a.to] else { continue }
                let arrow: String
                switch a.style {
                case .dropped: arrow = "-x"
                case .rejected: arrow = "-)"
                case .sent: arrow = a.isKeepalive ? "-->>" : "->>"
                }
                out.append("    \(from)\(arrow)\(to): \(escape(a.label))")
            case let .mark(node, m):
                flushSteps()
                guard let id = ids[node] else { continue }
                let icon: String
                switch m {
                case .crash: icon = "✗ "
                case .restart: icon = "↻ "
                case .wipe: icon = "⌫ "
                case .fault: icon = "! "
                case let .presence(_, online, _): icon = online ? "● " : "○ "
                case .delivered: icon = "✉ "
                case .note: icon = ""
                }
                out.append("    Note over \(id): \(escape(icon + m.label))")
            case let .band(b):
                flushSteps()
                switch b {
                case .partition: out.append("    Note over \(span): ⚡ \(escape(b.label))")
                case .heal: out.append("    Note over \(span): ✚ \(escape(b.label))")
                case .fault: out.append("    Note over \(span): ! \(escape(b.label))")
                case let .failure(location, source, detail):
                    out.append("    Note over \(span): ✗ FAILED \(escape(location))<br/>\(escape(source))<br/>\(escape(detail))")
                case let .passed(_, detail): out.append("    Note over \(span): ✓ \(escape(detail))")
                }
            }
        }
        flushSteps()
        if inRect { out.append("    end") }
        return out.joined(separator: "\n") + "\n"
    }

    /// `scenarios/basics.scenario:23` -> `L23`, `setup/two.scenario:4` -> `two:4` for included files.
    static func lineNumber(_ location: String) -> String {
        guard let colon = location.lastIndex(of: ":") else { return location }
        var base = location[..<colon].split(separator: "/").last.map(String.init) ?? ""
        if base.hasSuffix(".scenario") { base = String(base.dropLast(".scenario".count)) }
        return "\(base):\(location[location.index(after: colon)...])"
    }

    /// Mermaid's text rules: `#` starts an entity code and `;` ends a statement, so both are
    /// written as entity codes, and so are `<`, `>` (HTML) and `%` (`%%` starts a comment).
    /// A line break becomes `<br/>`.
    func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "#": out += "#35;"
            case ";": out += "#59;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "%": out += "#37;"
            case "\n": out += "<br/>"
            case "\r", "\t": out += " "
            default:
                if c.value < 0x20 || !XMLText.isLegal(c) { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
