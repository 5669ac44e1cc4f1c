import ConfChatCore

/// Draws a `SequenceDiagram` as a standalone SVG document, written by hand (no dependencies).
///
/// Layout is a fixed grid so the output is a pure function of the diagram: lifelines
/// `column` pixels apart, one row an entry, monospace text whose width is estimated from its
/// length. Every element carries a class (`msg`, `drop`, `lifeline`, `mark crash`, `band
/// failure`, `step failed`...) and data attributes, so tests and stylesheets can find them;
/// every arrow and mark has a `<title>`, the browser's tooltip, with its full text.
public struct SequenceDiagramSVG {
    public var diagram: SequenceDiagram

    // Geometry, in pixels.
    let column = 190
    let gutter = 74
    let headerTop = 64
    let boxHeight = 28
    let fontSize = 12.0
    /// DejaVu Sans Mono / Menlo advance at 12px; labels are laid out with it.
    let charWidth = 7.3
    let maxLabel = 88

    public init(_ diagram: SequenceDiagram) { self.diagram = diagram }

    /// The SVG document with its XML declaration: what `--diagram FILE.svg` writes.
    public func document() -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element()
    }

    /// An HTML page that embeds the SVG: what `--diagram FILE.html` writes.
    public func htmlPage() -> String {
        let title = XMLText.text(diagram.title)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(title): sequence diagram</title>
            <style>
            body { margin: 16px; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; }
            .diagram { overflow: auto; background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; }
            .diagram svg { display: block; }
            p { color: #57606a; }
            </style>
            </head>
            <body>
            <h1>\(title)</h1>
            <p>Sequence diagram of one run (confchat run --diagram). Hover an arrow or a mark for its full text.</p>
            <div class="diagram">
            \(element().dropLast())
            </div>
            </body>
            </html>

            """
    }

    // MARK: - Layout

    private enum Kind { case statement, arrow, mark, note, band, passed }

    private func kind(_ row: SequenceDiagram.Row) -> Kind {
        switch row {
        case .statement: .statement
        case .arrow: .arrow
        case let .mark(_, m): if case .note = m { .note } else { .mark }
        case let .band(b): if case .passed = b { .passed } else { .band }
        }
    }

    private func height(_ row: SequenceDiagram.Row) -> Int {
        switch row {
        case .statement: return 22
        case .arrow: return 28
        case let .mark(_, m): if case .note = m { return 18 } else { return 24 }
        case let .band(b):
            switch b {
            case .passed: return 18
            case let .failure(_, _, detail): return 30 + 15 * detailLines(detail).count
            default: return 28
            }
        }
    }

    private func detailLines(_ detail: String) -> [String] {
        detail.split(separator: "\n", omittingEmptySubsequences: false).map { clip(String($0), 150) }
    }

    private func x(_ name: String) -> Int {
        let i = diagram.participants.firstIndex(of: name) ?? 0
        return gutter + column / 2 + i * column
    }

    private func textWidth(_ s: String, size: Double? = nil) -> Int {
        Int((Double(s.count) * charWidth * (size ?? fontSize) / fontSize).rounded(.up))
    }

    private func clip(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(n - 1)) + "…" : s }

    // MARK: - Drawing

    /// The `<svg>` element alone (no XML declaration), for embedding.
    public func element() -> String {
        // Two passes: the first finds how far labels reach, the second draws at that width.
        let (_, reach) = body(width: 0)
        let n = max(diagram.participants.count, 1)
        let legendTop = rowsBottom + boxHeight + 18
        let width = max(reach + 16, gutter + n * column + 16, 760)
        let (legend, legendHeight) = self.legend(top: legendTop, width: width)
        let (rows, _) = body(width: width)
        let height = legendTop + legendHeight + 12

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"'DejaVu Sans Mono', Menlo, Consolas, monospace\" font-size=\"\(Int(fontSize))\">\n"
        out += "<title>\(XMLText.text(diagram.title)): sequence diagram</title>\n"
        out += Self.style + "\n"
        out += "<rect class=\"page\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\"/>\n"
        out += header() + "\n"
        out += rows
        out += "\n" + legend + "\n</svg>\n"
        return out
    }

    /// The top of every row, in entry order.
    private var rowsTop: [Int] {
        var tops: [Int] = []
        var y = headerTop + boxHeight + 16
        for e in diagram.entries {
            tops.append(y)
            y += height(e.row)
        }
        return tops
    }

    private var rowsBottom: Int {
        diagram.entries.reduce(headerTop + boxHeight + 16) { $0 + height($1.row) } + 8
    }

    /// Lifelines, rows and participant boxes; and the rightmost point any text reaches.
    private func body(width: Int) -> (String, Int) {
        let d = diagram
        let rowsTop = self.rowsTop
        let footerTop = rowsBottom
        var body: [String] = []
        var maxRight = 0

        // Lifelines, behind everything: solid while the node runs, dashed while it is down,
        // from the header (or the `peers` line that declares it) to the footer.
        let declared = d.declarationIndex
        for name in d.participants {
            let lx = x(name)
            var segmentStart = declared[name].map { rowsTop[$0] + 11 } ?? (headerTop + boxHeight)
            var up = true
            var segments: [(Int, Int, Bool)] = []
            for (i, e) in d.entries.enumerated() {
                guard case let .mark(node, mark) = e.row, node == name else { continue }
                let mid = rowsTop[i] + height(e.row) / 2
                switch mark {
                case .crash where up: segments.append((segmentStart, mid, up)); segmentStart = mid; up = false
                case .restart where !up: segments.append((segmentStart, mid, up)); segmentStart = mid; up = true
                default: break
                }
            }
            segments.append((segmentStart, footerTop, up))
            for (from, to, isUp) in segments where to > from {
                body.append("<line class=\"lifeline\(isUp ? "" : " down")\" data-node=\"\(XMLText.attribute(name))\" x1=\"\(lx)\" y1=\"\(from)\" x2=\"\(lx)\" y2=\"\(to)\"/>")
            }
        }

        // Rows.
        var lastTime: SimInstant?
        for (i, e) in d.entries.enumerated() {
            let top = rowsTop[i], h = height(e.row)
            if lastTime != e.time, kind(e.row) != .passed {
                body.append("<text class=\"time\" x=\"\(gutter - 10)\" y=\"\(top + min(h, 28) / 2 + 4)\">\(e.time)</text>")
                lastTime = e.time
            }
            let svg: String, right: Int
            switch e.row {
            case let .statement(location, source, failed):
                (svg, right) = statement(location: location, source: source, failed: failed, top: top, height: h, width: width)
            case let .arrow(a):
                (svg, right) = arrow(a, top: top, time: e.time)
            case let .mark(node, m):
                (svg, right) = mark(m, node: node, top: top, height: h, time: e.time)
            case let .band(b):
                (svg, right) = band(b, top: top, height: h, width: width)
            }
            body.append(svg)
            maxRight = max(maxRight, right)
        }

        // Participant boxes, top and bottom.
        for name in d.participants {
            for top in [headerTop, footerTop] { body.append(participantBox(name, top: top)) }
        }
        return (body.joined(separator: "\n"), maxRight)
    }

    private func statement(location: String, source: String, failed: Bool, top: Int, height h: Int, width: Int) -> (String, Int) {
        let label = clip("\(shortLocation(location))  \(source)", maxLabel + 20)
        var svg = ""
        if failed { svg += "<rect class=\"step-bg\" x=\"6\" y=\"\(top)\" width=\"\(width - 12)\" height=\"\(h)\"/>" }
        svg += "<g class=\"step\(failed ? " failed" : "")\" data-location=\"\(XMLText.attribute(location))\"><title>\(XMLText.text("\(location)  \(source)"))</title>"
            + "<line x1=\"\(gutter - 4)\" y1=\"\(top + 3)\" x2=\"\(width - 8)\" y2=\"\(top + 3)\"/>"
            + "<text x=\"\(gutter)\" y=\"\(top + 16)\">\(XMLText.text(label))</text></g>"
        return (svg, gutter + textWidth(label, size: 11))
    }

    private func shortLocation(_ location: String) -> String {
        // `scenarios/basics.scenario:23` -> `basics:23`; included files keep their own name.
        guard let colon = location.lastIndex(of: ":") else { return location }
        let file = String(location[..<colon]), line = location[location.index(after: colon)...]
        var base = file.split(separator: "/").last.map(String.init) ?? file
        if base.hasSuffix(".scenario") { base = String(base.dropLast(".scenario".count)) }
        return "\(base):\(line)"
    }

    private func header() -> String {
        let d = diagram
        let status = d.failed ? "<tspan class=\"status-fail\">FAILED</tspan>" : "<tspan class=\"status-pass\">PASSED</tspan>"
        let messages = d.arrows.reduce(0) { $0 + $1.count }
        var facts = ["\(d.participants.count) lifelines", "\(d.arrows.count) arrows" + (messages > d.arrows.count ? " for \(messages) messages" : "")]
        if d.hiddenKeepalives > 0 { facts.append("\(d.hiddenKeepalives) HEARTBEAT/PING/PONG hidden (--diagram-all shows them)") }
        if d.filteredOut > 0 { facts.append("\(d.filteredOut) messages to or from other nodes left out") }
        if let first = d.entries.first?.time, let last = d.entries.last?.time { facts.append("simulated \(first)–\(last)") }
        return "<text class=\"title\" x=\"16\" y=\"28\">\(XMLText.text(d.title))  \(status)</text>\n"
            + "<text class=\"subtitle\" x=\"16\" y=\"48\">\(XMLText.text(facts.joined(separator: " · ")))</text>"
    }

    private func participantBox(_ name: String, top: Int) -> String {
        let w = min(column - 24, max(72, textWidth(name, size: 13) + 28))
        let cx = x(name)
        let cls = name == PeerName.registry ? "participant registry" : "participant"
        return "<g class=\"\(cls)\" data-node=\"\(XMLText.attribute(name))\"><rect x=\"\(cx - w / 2)\" y=\"\(top)\" width=\"\(w)\" height=\"\(boxHeight)\" rx=\"6\"/>"
            + "<text x=\"\(cx)\" y=\"\(top + 19)\">\(XMLText.text(name))</text></g>"
    }

    private func arrow(_ a: SequenceDiagram.Arrow, top: Int, time: SimInstant) -> (String, Int) {
        let x1 = x(a.from), x2 = x(a.to)
        let lineY = top + 21
        let baseY = top + 14
        var cls = "msg"
        switch a.style {
        case .sent: if a.isKeepalive { cls += " keepalive" }
        case .dropped: cls += " drop"
        case .rejected: cls += " reject"
        }
        if a.count > 1 { cls += " folded" }
        let tooltip = "\(time)  \(a.from) -> \(a.to)  \(a.label)"
        var svg = "<g class=\"\(cls)\" data-from=\"\(XMLText.attribute(a.from))\" data-to=\"\(XMLText.attribute(a.to))\" data-kind=\"\(XMLText.attribute(a.kind))\">"
        svg += "<title>\(XMLText.text(tooltip))</title>"

        // The label: kind (bold), count, then the key fields, clipped; full text in the title.
        var rest = a.label.dropFirst(a.kind.count).trimmingPrefix(" ")
        let kindText = a.kind
        let full = kindText + (rest.isEmpty ? "" : " " + rest)
        if full.count > maxLabel { rest = Substring(clip(String(rest), max(maxLabel - kindText.count - 1, 8))) }
        let shown = kindText + (rest.isEmpty ? "" : " " + rest)
        let w = textWidth(shown)
        let span = abs(x2 - x1)
        let labelX: Int, anchor: String
        if x1 == x2 {
            labelX = x1 + 38; anchor = "start"
        } else if w + 12 <= span {
            labelX = (x1 + x2) / 2; anchor = "middle"
        } else {
            labelX = min(x1, x2) + 10; anchor = "start"
        }
        let right = anchor == "middle" ? labelX + w / 2 : labelX + w
        svg += "<text class=\"label\" xml:space=\"preserve\" x=\"\(labelX)\" y=\"\(baseY)\" text-anchor=\"\(anchor)\"><tspan class=\"kind\">\(XMLText.text(kindText))</tspan>"
        if !rest.isEmpty { svg += "<tspan class=\"fields\"> \(XMLText.text(String(rest)))</tspan>" }
        svg += "</text>"

        if x1 == x2 {
            // A node's message to itself: a small loop.
            svg += "<path class=\"line\" d=\"M\(x1),\(lineY - 6) h30 v10 h-28\" fill=\"none\" marker-end=\"url(#head)\"/>"
        } else {
            switch a.style {
            case .dropped:
                let dir = x2 > x1 ? 1 : -1
                let endX = x2 - dir * 2
                svg += "<line class=\"line\" x1=\"\(x1)\" y1=\"\(lineY)\" x2=\"\(endX)\" y2=\"\(lineY)\"/>"
                svg += "<path class=\"cross\" d=\"M\(x2 - 6),\(lineY - 6) L\(x2 + 6),\(lineY + 6) M\(x2 - 6),\(lineY + 6) L\(x2 + 6),\(lineY - 6)\"/>"
            default:
                let dir = x2 > x1 ? 1 : -1
                let marker = a.isKeepalive ? "head-light" : (a.style == .sent ? "head" : "head-warn")
                svg += "<line class=\"line\" x1=\"\(x1)\" y1=\"\(lineY)\" x2=\"\(x2 - dir * 1)\" y2=\"\(lineY)\" marker-end=\"url(#\(marker))\"/>"
            }
        }
        svg += "</g>"
        return (svg, right)
    }

    private func mark(_ m: SequenceDiagram.Mark, node: String, top: Int, height h: Int, time: SimInstant) -> (String, Int) {
        let cx = x(node), cy = top + h / 2
        let text = clip(m.label, maxLabel)
        let attrs = "data-node=\"\(XMLText.attribute(node))\""
        let title = "<title>\(XMLText.text("\(time)  \(node): \(m.label)"))</title>"
        func pill(_ cls: String, _ s: String) -> (String, Int) {
            let w = textWidth(s, size: 11) + 16
            let left = cx - w / 2
            return ("<g class=\"mark \(cls)\" \(attrs)>\(title)<rect x=\"\(left)\" y=\"\(cy - 9)\" width=\"\(w)\" height=\"18\" rx=\"9\"/>"
                + "<text x=\"\(cx)\" y=\"\(cy + 4)\">\(XMLText.text(s))</text></g>", left + w)
        }
        func glyph(_ cls: String, _ shape: String) -> (String, Int) {
            let left = cx + 12
            return ("<g class=\"mark \(cls)\" \(attrs)>\(title)\(shape)<text x=\"\(left)\" y=\"\(cy + 4)\">\(XMLText.text(text))</text></g>",
                    left + textWidth(text))
        }
        switch m {
        case .crash:
            return glyph("crash", "<path class=\"glyph\" d=\"M\(cx - 7),\(cy - 7) L\(cx + 7),\(cy + 7) M\(cx - 7),\(cy + 7) L\(cx + 7),\(cy - 7)\"/>")
        case .restart:
            return glyph("restart", "<circle class=\"glyph\" cx=\"\(cx)\" cy=\"\(cy)\" r=\"6\"/>")
        case .wipe:
            return glyph("wipe", "<rect class=\"glyph\" x=\"\(cx - 6)\" y=\"\(cy - 6)\" width=\"12\" height=\"12\"/>")
        case .fault:
            return glyph("fault", "<path class=\"glyph\" d=\"M\(cx),\(cy - 7) L\(cx + 7),\(cy) L\(cx),\(cy + 7) L\(cx - 7),\(cy) Z\"/>")
        case let .presence(_, online, _):
            return pill("presence \(online ? "online" : "offline")", text)
        case .delivered:
            return pill("delivered", clip("✉ " + m.label.dropFirst("delivered ".count), maxLabel))
        case .note:
            let left = cx + 8
            return ("<g class=\"mark note\" \(attrs)>\(title)<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"2.5\"/>"
                + "<text x=\"\(left)\" y=\"\(cy + 4)\">\(XMLText.text(text))</text></g>", left + textWidth(text, size: 11))
        }
    }

    private func band(_ b: SequenceDiagram.Band, top: Int, height h: Int, width: Int) -> (String, Int) {
        let left = gutter - 4
        switch b {
        case .passed:
            let text = clip("✓ " + b.label.dropFirst("ok: ".count), maxLabel + 20)
            return ("<g class=\"band passed\"><text x=\"\(gutter + 12)\" y=\"\(top + 13)\">\(XMLText.text(text))</text></g>",
                    gutter + 12 + textWidth(text, size: 11))
        case let .failure(location, source, detail):
            var svg = "<g class=\"band failure\" data-location=\"\(XMLText.attribute(location))\"><title>\(XMLText.text(b.label))</title>"
            svg += "<rect x=\"\(left)\" y=\"\(top + 3)\" width=\"\(width - left - 8)\" height=\"\(h - 6)\" rx=\"4\"/>"
            let headline = clip("✗ FAILED at \(location)" + (source.isEmpty ? "" : ":  \(source)"), 150)
            svg += "<text class=\"headline\" x=\"\(left + 10)\" y=\"\(top + 20)\">\(XMLText.text(headline))</text>"
            var right = left + 10 + textWidth(headline)
            for (i, line) in detailLines(detail).enumerated() {
                svg += "<text x=\"\(left + 24)\" y=\"\(top + 36 + 15 * i)\">\(XMLText.text(line))</text>"
                right = max(right, left + 24 + textWidth(line))
            }
            return (svg + "</g>", right)
        case .partition, .heal, .fault:
            let cls: String, icon: String
            switch b {
            case .partition: (cls, icon) = ("partition", "⚡ ")
            case .heal: (cls, icon) = ("heal", "✚ ")
            default: (cls, icon) = ("fault", "! ")
            }
            let text = clip(icon + b.label, maxLabel + 20)
            return ("<g class=\"band \(cls)\"><title>\(XMLText.text(b.label))</title><rect x=\"\(left)\" y=\"\(top + 3)\" width=\"\(width - left - 8)\" height=\"\(h - 6)\" rx=\"4\"/>"
                + "<text x=\"\(left + 10)\" y=\"\(top + 18)\">\(XMLText.text(text))</text></g>", left + 10 + textWidth(text))
        }
    }

    /// A key to the symbols, in as many lines as `width` needs.
    private func legend(top: Int, width: Int) -> (String, Int) {
        var parts: [String] = ["<g class=\"legend\"><text class=\"legend-title\" x=\"16\" y=\"\(top + 12)\">Legend</text>"]
        var lx = 90
        var y = top + 8
        func item(_ shape: (Int, Int) -> String, _ label: String, _ w: Int) {
            let itemWidth = w + 6 + textWidth(label, size: 11)
            if lx + itemWidth > width - 16, lx > 90 {
                lx = 90
                y += 24
            }
            parts.append(shape(lx, y) + "<text x=\"\(lx + w + 6)\" y=\"\(y + 4)\">\(XMLText.text(label))</text>")
            lx += itemWidth + 22
        }
        item({ lx, y in "<g class=\"msg sample\"><line class=\"line\" x1=\"\(lx)\" y1=\"\(y)\" x2=\"\(lx + 34)\" y2=\"\(y)\" marker-end=\"url(#head)\"/></g>" }, "message", 36)
        item({ lx, y in "<g class=\"msg drop sample\"><line class=\"line\" x1=\"\(lx)\" y1=\"\(y)\" x2=\"\(lx + 30)\" y2=\"\(y)\"/><path class=\"cross\" d=\"M\(lx + 30),\(y - 5) L\(lx + 40),\(y + 5) M\(lx + 30),\(y + 5) L\(lx + 40),\(y - 5)\"/></g>" }, "dropped", 40)
        item({ lx, y in "<g class=\"mark presence online sample\"><rect x=\"\(lx)\" y=\"\(y - 8)\" width=\"30\" height=\"16\" rx=\"8\"/></g>" }, "sees online", 30)
        item({ lx, y in "<g class=\"mark presence offline sample\"><rect x=\"\(lx)\" y=\"\(y - 8)\" width=\"30\" height=\"16\" rx=\"8\"/></g>" }, "sees offline", 30)
        item({ lx, y in "<g class=\"mark delivered sample\"><rect x=\"\(lx)\" y=\"\(y - 8)\" width=\"30\" height=\"16\" rx=\"8\"/></g>" }, "delivered to the user", 30)
        item({ lx, y in "<g class=\"mark crash sample\"><path class=\"glyph\" d=\"M\(lx + 2),\(y - 6) L\(lx + 14),\(y + 6) M\(lx + 2),\(y + 6) L\(lx + 14),\(y - 6)\"/></g>" }, "crash (lifeline dashed while down)", 16)
        item({ lx, y in "<g class=\"band partition sample\"><rect x=\"\(lx)\" y=\"\(y - 8)\" width=\"30\" height=\"16\" rx=\"3\"/></g>" }, "partition", 30)
        item({ lx, y in "<g class=\"band failure sample\"><rect x=\"\(lx)\" y=\"\(y - 8)\" width=\"30\" height=\"16\" rx=\"3\"/></g>" }, "failed expectation", 30)
        parts.append("</g>")
        return (parts.joined(), y + 16 - top)
    }

    static let style = """
        <defs>
        <marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#24292f"/></marker>
        <marker id="head-light" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/></marker>
        <marker id="head-warn" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#bc4c00"/></marker>
        </defs>
        <style>
        .page { fill: #ffffff; }
        text { fill: #24292f; }
        .title { font-size: 16px; font-weight: bold; }
        .status-pass { fill: #1a7f37; }
        .status-fail { fill: #cf222e; }
        .subtitle, .time { font-size: 11px; fill: #57606a; }
        .time { text-anchor: end; }
        .lifeline { stroke: #8c959f; stroke-width: 1.5; }
        .lifeline.down { stroke: #d0d7de; stroke-dasharray: 4 4; }
        .participant rect { fill: #ddf4ff; stroke: #0969da; stroke-width: 1.5; }
        .participant.registry rect { fill: #eee8fb; stroke: #8250df; }
        .participant text { font-size: 13px; font-weight: bold; text-anchor: middle; }
        .step line { stroke: #d8dee4; stroke-dasharray: 2 3; }
        .step text { font-size: 11px; fill: #57606a; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
        .step.failed line { stroke: #cf222e; stroke-dasharray: none; stroke-width: 1.5; }
        .step.failed text { fill: #a40e26; font-weight: bold; }
        .step-bg { fill: #ffebe9; }
        .label { paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
        .msg .line { stroke: #24292f; stroke-width: 1.4; }
        .msg .kind { font-weight: bold; fill: #0550ae; }
        .msg .fields { fill: #24292f; }
        .msg.keepalive .line { stroke: #8c959f; stroke-width: 1; stroke-dasharray: 3 2; }
        .msg.keepalive .kind, .msg.keepalive .fields { fill: #6e7781; font-weight: normal; }
        .msg.drop .line { stroke: #cf222e; stroke-width: 1.4; stroke-dasharray: 5 3; }
        .msg.drop .cross { stroke: #cf222e; stroke-width: 2.2; }
        .msg.drop .kind, .msg.drop .fields { fill: #cf222e; }
        .msg.reject .line { stroke: #bc4c00; stroke-width: 1.4; }
        .msg.reject .kind, .msg.reject .fields { fill: #bc4c00; }
        .mark text { font-size: 11px; }
        .mark.presence rect, .mark.delivered rect { stroke-width: 1.2; }
        .mark.presence text, .mark.delivered text { text-anchor: middle; }
        .mark.presence.online rect { fill: #dafbe1; stroke: #1a7f37; }
        .mark.presence.online text { fill: #116329; }
        .mark.presence.offline rect { fill: #fff8c5; stroke: #bf8700; }
        .mark.presence.offline text { fill: #7d4e00; }
        .mark.delivered rect { fill: #ffffff; stroke: #1a7f37; stroke-dasharray: 3 2; }
        .mark.delivered text { fill: #116329; }
        .mark.crash .glyph { stroke: #cf222e; stroke-width: 3; }
        .mark.crash text { fill: #cf222e; font-weight: bold; font-size: 12px; }
        .mark.restart .glyph { fill: #dafbe1; stroke: #1a7f37; stroke-width: 2; }
        .mark.restart text { fill: #116329; font-weight: bold; font-size: 12px; }
        .mark.wipe .glyph { fill: #fbefff; stroke: #8250df; stroke-width: 2; }
        .mark.wipe text { fill: #6639ba; font-weight: bold; font-size: 12px; }
        .mark.fault .glyph { fill: #ffebe9; stroke: #cf222e; stroke-width: 2; }
        .mark.fault text { fill: #a40e26; font-size: 12px; }
        .mark.note circle { fill: #8c959f; }
        .mark.note text { fill: #6e7781; font-style: italic; }
        .mark text, .band text { paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
        .mark.presence text, .mark.delivered text { stroke: none; }
        .band rect { stroke-width: 1.5; }
        .band.partition rect { fill: #fff1e5; stroke: #fb8500; fill-opacity: 0.85; }
        .band.partition text { fill: #953800; font-weight: bold; stroke: none; }
        .band.heal rect { fill: #dafbe1; stroke: #1a7f37; fill-opacity: 0.85; }
        .band.heal text { fill: #116329; font-weight: bold; stroke: none; }
        .band.fault rect { fill: #fbefff; stroke: #8250df; fill-opacity: 0.85; }
        .band.fault text { fill: #6639ba; font-weight: bold; stroke: none; }
        .band.failure rect { fill: #ffebe9; stroke: #cf222e; stroke-width: 2; fill-opacity: 0.92; }
        .band.failure text { fill: #82071e; stroke: none; }
        .band.failure .headline { font-weight: bold; fill: #cf222e; }
        .band.passed text { font-size: 11px; fill: #1a7f37; }
        .legend text { font-size: 11px; fill: #57606a; }
        .legend .legend-title { font-weight: bold; }
        </style>
        """
}
