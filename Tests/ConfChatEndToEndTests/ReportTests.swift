import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import ConfChatTools
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Sequence diagrams (SVG, HTML, Mermaid), the JUnit report, per-scenario report paths and
/// `confchat run --jobs` (docs/diagrams.md).
@Suite struct ReportTests {
    // MARK: - A known run

    /// Two friends chat; a partition cuts bob off (alice sees him go offline, her HELLO is
    /// dropped); heal; bob crashes; alice's message to him is dropped.
    static let story = E2ESupport.twoFriends + """
        presence-timeout 2s
        alice send bob "hello <bob> & \\"all\\""
        expect bob received alice "hello <bob> & \\"all\\""
        partition alice | bob registry
        expect alice sees bob offline within 5s
        heal
        expect alice sees bob online within 5s
        bob crash
        alice send bob "are you there?"

        """

    /// The story and a last line that fails.
    static let failing = story + "expect alice friends   # fails\n"

    struct Run {
        var outcome: ScenarioOutcome
        var events: [TraceEvent]
        var declared: [String]
    }

    static func run(_ source: String, path: String = "story.scenario") throws -> Run? {
        let recorder = TraceRecorder()
        let scenario = try ScenarioLoader.parse(source: source, path: path)
        let outcome = try ScenarioRunner(scenario: scenario, options: .init(transport: .inproc, trace: recorder)).run()
        return Run(outcome: outcome, events: recorder.events, declared: scenario.declaredPeers)
    }

    static func diagram(_ run: Run, _ options: SequenceDiagram.Options = .init()) -> SequenceDiagram {
        SequenceDiagram.build(title: "story.scenario", events: run.events, peers: run.declared, options: options)
    }

    /// The messages (send, drop, reject) of a trace that are not keepalives, between `nodes`.
    static func messages(_ events: [TraceEvent], between nodes: Set<String>? = nil) -> [(String, String, String)] {
        events.compactMap { e -> (String, String, String)? in
            switch e.kind {
            case let .send(from, to, kind, _, _), let .drop(from, to, kind, _):
                guard !SequenceDiagram.keepaliveKinds.contains(kind) else { return nil }
                if let nodes, !(nodes.contains(from) && nodes.contains(to)) { return nil }
                return (from, to, kind)
            case let .reject(at, from, _):
                if let nodes, !(nodes.contains(from) && nodes.contains(at)) { return nil }
                return (from, at, "REJECTED")
            default: return nil
            }
        }
    }

    static func count(_ needle: String, in haystack: String) -> Int { haystack.ranges(of: needle).count }

    /// Every `<g class="msg...">` element's (from, to, kind), in document order.
    static func svgArrows(_ svg: String) -> [(String, String, String)] {
        let pattern = /<g class="msg[^"]*" data-from="([^"]*)" data-to="([^"]*)" data-kind="([^"]*)">/
        return svg.matches(of: pattern).map { (String($0.1), String($0.2), String($0.3)) }
    }

    // MARK: - SVG

    @Test("the SVG has a lifeline a peer and the registry, an arrow a message with its label, and fault and presence marks")
    func svgContent() throws {
        guard let run = try Self.run(Self.story) else { return }
        #expect(run.outcome.passed, "\(E2ESupport.report(run.outcome))")
        let d = Self.diagram(run)
        #expect(d.participants == ["registry", "alice", "bob"])
        let svg = SequenceDiagramSVG(d).document()

        for node in ["registry", "alice", "bob"] {
            #expect(svg.contains("<line class=\"lifeline\" data-node=\"\(node)\""), "a lifeline for \(node)")
            #expect(svg.contains("<g class=\"participant\(node == "registry" ? " registry" : "")\" data-node=\"\(node)\""))
        }
        // One arrow element a message, in trace order, keepalives left out.
        let expected = Self.messages(run.events)
        let drawn = Self.svgArrows(svg)
        #expect(drawn.count == expected.count)
        #expect(drawn.map { "\($0.0)>\($0.1) \($0.2)" } == expected.map { "\($0.0)>\($0.1) \($0.2)" })
        #expect(!drawn.contains { SequenceDiagram.keepaliveKinds.contains($0.2) }, "keepalives are hidden by default")
        // Labels: the kind, then the key fields, XML-escaped.
        #expect(svg.contains(#"<tspan class="kind">CHAT</tspan><tspan class="fields"> seq=1 "hello &lt;bob&gt; &amp; \"all\""</tspan>"#), "\(svg)")
        #expect(svg.contains(#"<tspan class="kind">REGISTER</tspan><tspan class="fields"> req=1</tspan>"#))
        // Marks: the crash, the partition and the heal, presence both ways, a dropped message.
        #expect(svg.contains(#"<g class="mark crash" data-node="bob">"#))
        #expect(svg.contains(#"<line class="lifeline down" data-node="bob""#), "bob's lifeline is dashed after his crash")
        #expect(svg.contains(#"<g class="band partition">"#))
        #expect(svg.contains(#"<g class="band heal">"#))
        #expect(svg.contains(#"<g class="mark presence offline" data-node="alice">"#))
        #expect(svg.contains(#"<g class="mark presence online" data-node="alice">"#))
        #expect(svg.contains(#"<g class="msg drop" data-from="alice" data-to="bob""#))
        #expect(svg.contains("class=\"cross\""), "a dropped message ends in an x")
        #expect(svg.contains(#"<g class="mark delivered" data-node="bob">"#))
        // Statements as separators, none failed.
        #expect(svg.contains(#"<g class="step" data-location="story.scenario:12">"#), "the partition line starts a step")
        #expect(!svg.contains("step failed") && !svg.contains("<g class=\"band failure\" data-location"))
        try Self.assertWellFormed(svg, root: "svg")
    }

    @Test("a failing expectation is highlighted at its step, with what was found")
    func svgFailure() throws {
        guard let run = try Self.run(Self.failing),
              let line = E2ESupport.line(of: "# fails", in: Self.failing) else { return }
        #expect(!run.outcome.passed)
        let d = Self.diagram(run)
        #expect(d.failed)
        let svg = SequenceDiagramSVG(d).document()
        #expect(svg.contains("<g class=\"step failed\" data-location=\"story.scenario:\(line)\">"), "the failing step is marked")
        #expect(Self.count("<g class=\"band failure\" data-location=\"story.scenario:\(line)\"", in: svg) == 1)
        #expect(svg.contains("✗ FAILED at story.scenario:\(line):  expect alice friends"))
        #expect(svg.contains("alice's friends: bob"), "what was found: \(E2ESupport.report(run.outcome))")
        #expect(svg.contains(#"<tspan class="status-fail">FAILED</tspan>"#))
        try Self.assertWellFormed(svg, root: "svg")
    }

    @Test("--diagram-filter keeps only arrows between the listed nodes, and their lifelines")
    func svgFilter() throws {
        guard let run = try Self.run(Self.story) else { return }
        let d = Self.diagram(run, .init(only: ["alice", "registry"]))
        #expect(d.participants == ["registry", "alice"])
        let svg = SequenceDiagramSVG(d).document()
        let drawn = Self.svgArrows(svg)
        let expected = Self.messages(run.events, between: ["alice", "registry"])
        #expect(!drawn.isEmpty)
        #expect(drawn.count == expected.count)
        #expect(drawn.allSatisfy { ["alice", "registry"].contains($0.0) && ["alice", "registry"].contains($0.1) })
        #expect(!svg.contains("data-node=\"bob\""), "no lifeline and no mark for bob")
        let outside = run.events.filter { e in
            switch e.kind {
            case let .send(f, t, _, _, _), let .drop(f, t, _, _), let .reject(t, f, _): !Set([f, t]).isSubset(of: ["alice", "registry"])
            default: false
            }
        }
        #expect(d.filteredOut == outside.count, "every message to or from bob is counted as left out")
        #expect(svg.contains(#"<g class="band partition">"#), "network-wide marks stay")
    }

    @Test("keepalives are left out and counted by default; shown, each run folds into one arrow with a count")
    func keepalives() throws {
        let source = E2ESupport.twoFriends + "wait 30s\nexpect alice sees bob online\n"
        guard let run = try Self.run(source) else { return }
        let total = run.events.filter { if case let .send(_, _, k, _, _) = $0.kind { SequenceDiagram.keepaliveKinds.contains(k) } else { false } }.count
        #expect(total > 10, "30 seconds of heartbeats")
        let hidden = Self.diagram(run)
        #expect(hidden.hiddenKeepalives == total)
        #expect(!hidden.arrows.contains { $0.isKeepalive })

        let shown = Self.diagram(run, .init(showKeepalives: true))
        let keep = shown.arrows.filter(\.isKeepalive)
        #expect(!keep.isEmpty && keep.count < total, "folded: \(keep.count) arrows for \(total) messages")
        #expect(keep.reduce(0) { $0 + $1.count } == total, "the counts add up")
        #expect(keep.contains { $0.count > 1 && $0.label.contains("HEARTBEAT ×\($0.count)") })
        let svg = SequenceDiagramSVG(shown).document()
        #expect(svg.contains("class=\"msg keepalive folded\""))
    }

    @Test("many arrows fold consecutive repeats into one")
    func foldingLargeRuns() throws {
        // Mail that waited for bob goes out again as consecutive CHATs when he is back: #1
        // first, #2...#6 in a row once he confirms it (protocol.md 6.4).
        let source = E2ESupport.twoFriends + "bob logout\n" + (1...6).map { "alice send bob \"m\($0)\"\n" }.joined()
            + "bob login b\nexpect bob conversation alice \"m1\" \"m2\" \"m3\" \"m4\" \"m5\" \"m6\"\n"
        guard let run = try Self.run(source) else { return }
        let all = Self.diagram(run)
        let folded = Self.diagram(run, .init(foldAbove: 5))
        #expect(folded.arrows.count < all.arrows.count)
        #expect(folded.arrows.reduce(0) { $0 + $1.count } == all.arrows.count, "no message lost")
        #expect(folded.folded == all.arrows.count - folded.arrows.count)
        #expect(folded.arrows.contains { $0.kind == "CHAT" && $0.count == 5 && $0.label.hasPrefix("CHAT ×5 seq=2 \"m2\" … seq=6 \"m6\"") },
                "\(folded.arrows.map(\.label))")
    }

    @Test("the same run gives byte-identical SVG, HTML and Mermaid")
    func deterministic() throws {
        guard let a = try Self.run(Self.failing), let b = try Self.run(Self.failing) else { return }
        let da = Self.diagram(a), db = Self.diagram(b)
        #expect(da == db)
        #expect(SequenceDiagramSVG(da).document() == SequenceDiagramSVG(db).document())
        #expect(SequenceDiagramSVG(da).htmlPage() == SequenceDiagramSVG(db).htmlPage())
        #expect(SequenceDiagramMermaid(da).text() == SequenceDiagramMermaid(db).text())
    }

    @Test("the HTML page embeds the SVG")
    func html() throws {
        guard let run = try Self.run(Self.story) else { return }
        let page = SequenceDiagramSVG(Self.diagram(run)).htmlPage()
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!page.contains("<?xml"), "no XML declaration inside HTML")
        #expect(page.contains("</svg>\n</div>\n</body>\n</html>"))
    }

    @Test("XML escaping: markup characters escaped, characters XML forbids replaced")
    func xmlEscaping() throws {
        #expect(XMLText.text("a<b>&c\"d") == "a&lt;b&gt;&amp;c\"d")
        #expect(XMLText.attribute("x=\"1\"\nnext\t") == "x=&quot;1&quot;&#10;next&#9;")
        #expect(XMLText.text("bell\u{7}nul\u{0}fffe\u{FFFE}") == "bell\u{FFFD}nul\u{FFFD}fffe\u{FFFD}")
        // A trace event carrying anything still gives well-formed SVG.
        let nasty = "<script>&\u{1}\u{FFFF}]]>\"'"
        let events: [TraceEvent] = [
            TraceEvent(time: .zero, kind: .statement(location: "x.scenario:1", source: "alice send bob \"\(nasty)\"")),
            TraceEvent(time: .zero, kind: .send(from: "alice", to: "bob", kind: "CHAT", fields: nasty)),
            TraceEvent(time: .zero, kind: .note(node: "bob", text: nasty)),
            TraceEvent(time: .zero, kind: .outcome(location: "x.scenario:1", ok: false, detail: nasty)),
        ]
        let d = SequenceDiagram.build(title: nasty, events: events, peers: ["alice", "bob"])
        let svg = SequenceDiagramSVG(d).document()
        #expect(!svg.contains("<script>"))
        try Self.assertWellFormed(svg, root: "svg")
        let mermaid = SequenceDiagramMermaid(d).text()
        #expect(!mermaid.contains("<script>") && !mermaid.contains("\u{1}"))
    }

    @Test("a delayed message is a slanted arrow, a lost one ends in an x, in SVG and Mermaid")
    func networkConditionsInDiagrams() throws {
        let at = SimInstant(milliseconds: 35)
        let events: [TraceEvent] = [
            TraceEvent(time: .zero, kind: .send(from: "alice", to: "bob", kind: "CHAT", fields: "seq=1",
                                                transit: .init(arrival: at, duplicate: false))),
            TraceEvent(time: .zero, kind: .send(from: "alice", to: "bob", kind: "CHAT", fields: "seq=1",
                                                transit: .init(arrival: at + 5, duplicate: true))),
            TraceEvent(time: .zero, kind: .lost(from: "bob", to: "alice", kind: "CHAT-ACK", fields: "upto=1")),
            TraceEvent(time: .zero, kind: .send(from: "bob", to: "alice", kind: "CHAT-ACK", fields: "upto=1")),
        ]
        let d = SequenceDiagram.build(title: "net", events: events, peers: ["alice", "bob"])
        #expect(d.arrows.map(\.label) == ["CHAT seq=1 (arrives +35ms)", "CHAT seq=1 (duplicate) (arrives +40ms)",
                                          "CHAT-ACK upto=1 (lost)", "CHAT-ACK upto=1"])
        let svg = SequenceDiagramSVG(d).document()
        try Self.assertWellFormed(svg, root: "svg")
        // Slanted: the line's head is lower than its tail; level when it arrives at once.
        let lines = svg.ranges(of: #/<g class="msg[^"]*"[^>]*data-kind="CHAT[^"]*">.*?<line class="line" x1="\d+" y1="(\d+)" x2="\d+" y2="(\d+)"/#)
            .map { svg[$0] }
        let slopes = lines.compactMap { try? #/y1="(\d+)" x2="\d+" y2="(\d+)"/#.firstMatch(in: $0) }.map { Int($0.2)! - Int($0.1)! }
        #expect(slopes.count == 4)
        #expect(slopes[0] > 0 && slopes[1] > 0, "delayed arrows slant")
        #expect(slopes[3] == 0, "an arrow that arrives at once is level")
        #expect(svg.contains("<g class=\"msg drop\" data-from=\"bob\" data-to=\"alice\" data-kind=\"CHAT-ACK\">"))
        #expect(svg.contains("delayed (arrives later)"), "the legend explains the slant")
        let mermaid = SequenceDiagramMermaid(d).text().split(separator: "\n").map(String.init)
        #expect(mermaid.contains("    alice--)bob: CHAT seq=1 (arrives +35ms)"))
        #expect(mermaid.contains("    bob-xalice: CHAT-ACK upto=1 (lost)"))
    }

    /// A fault is drawn from what it is, not from its words: a peer whose name starts with
    /// "partition" crashing is a crash on its lifeline, not a partition across the diagram.
    @Test("faults are placed by their kind: a crash of a peer named partitioner is a crash on its lifeline")
    func faultsByKind() throws {
        let source = """
            peers partitioner bob
            partitioner crash
            partitioner restart
            bob wipe
            partition partitioner | bob registry
            heal

            """
        guard let run = try Self.run(source) else { return }
        let faults = Self.diagram(run).entries.compactMap { e -> String? in
            switch e.row {
            case let .mark(node, .crash(t)): "\(node) crash: \(t)"
            case let .mark(node, .restart(t)): "\(node) restart: \(t)"
            case let .mark(node, .wipe(t)): "\(node) wipe: \(t)"
            case let .band(.partition(t)): "partition band: \(t)"
            case let .band(.heal(t)): "heal band: \(t)"
            default: nil
            }
        }
        #expect(faults == [
            "partitioner crash: partitioner crashes",
            "partitioner restart: partitioner restarts from its data directory",
            "bob wipe: bob's data directory is wiped",
            "partition band: partition partitioner | bob registry",
            "heal band: heal",
        ])
    }

    // MARK: - Mermaid

    @Test("Mermaid: a sequenceDiagram with participants, arrows with kind and fields, notes and x arrows")
    func mermaid() throws {
        guard let run = try Self.run(Self.failing),
              let line = E2ESupport.line(of: "# fails", in: Self.failing) else { return }
        let text = SequenceDiagramMermaid(Self.diagram(run)).text()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "sequenceDiagram")
        for p in ["registry", "alice", "bob"] { #expect(lines.contains("    participant \(p)")) }
        #expect(lines.contains("    alice->>registry: REGISTER req=1"))
        #expect(lines.contains("    alice->>bob: CHAT seq=1 \"hello #lt;bob#gt; & \\\"all\\\"\""), "\(text)")
        #expect(lines.contains { $0.hasPrefix("    alice-xbob: ") && $0.contains("dropped") }, "a dropped message is an x arrow")
        #expect(lines.contains("    Note over bob: ✗ bob crashes"))
        #expect(lines.contains { $0.hasPrefix("    Note over registry,bob: ⚡ partition alice | bob registry") })
        #expect(lines.contains { $0.hasPrefix("    Note over alice: ○ sees bob offline") })
        #expect(lines.contains { $0.hasPrefix("    Note over registry,bob: ✗ FAILED story.scenario:\(line)<br/>expect alice friends") })
        #expect(lines.contains("    rect rgb(255, 228, 228)") && lines.last == "    end", "the failing step in a red rect")
        // Every line is a statement Mermaid knows.
        let known = ["sequenceDiagram", "    title ", "    participant ", "    Note over ", "    rect ", "    end"]
        let arrow = /^    [a-z][a-z0-9_]*(->>|-->>|-x|-\))[a-z][a-z0-9_]*: .+$/
        for l in lines {
            #expect(known.contains { l.hasPrefix($0) } || l.wholeMatch(of: arrow) != nil, "not Mermaid: \(l)")
            #expect(!l.dropFirst(4).contains(";") || l.contains("#59;") || l.contains("#"), "a raw ; ends a Mermaid statement: \(l)")
        }
    }

    @Test("Mermaid aliases names its grammar could misread, and escapes # and ;")
    func mermaidEscapes() {
        let events: [TraceEvent] = [
            TraceEvent(time: .zero, kind: .send(from: "carol-2", to: "end", kind: "CHAT", fields: "seq=1 \"a;b#c%d\"")),
        ]
        let text = SequenceDiagramMermaid(SequenceDiagram.build(title: "t", events: events)).text()
        #expect(text.contains("    participant p1 as carol-2"))
        #expect(text.contains("    participant p2 as end"))
        #expect(text.contains("    p1->>p2: CHAT seq=1 \"a#59;b#35;c#37;d\""), "\(text)")
    }

    // MARK: - Report paths

    @Test("several scenarios: the scenario's name goes before the extension; repeats get -2")
    func reportPaths() {
        #expect(ReportPaths.perScenario("out.svg", scenarios: ["scenarios/basics.scenario"]) == ["out.svg"])
        #expect(ReportPaths.perScenario("d/out.svg", scenarios: ["s/basics.scenario", "s/groups/x.scenario", "s/x.scenario"])
                == ["d/out-basics.svg", "d/out-x.svg", "d/out-x-2.svg"])
        #expect(ReportPaths.perScenario("my.dir/flow.html", scenarios: ["a.scenario", "b.scenario"])
                == ["my.dir/flow-a.html", "my.dir/flow-b.html"])
    }

    // MARK: - JUnit

    /// A subset of the Jenkins xUnit plugin's junit-10.xsd dialect, stricter where this
    /// report promises more: counts are integers, times are decimal seconds.
    static let junitSchema = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
          <xs:simpleType name="seconds">
            <xs:restriction base="xs:decimal"><xs:minInclusive value="0"/></xs:restriction>
          </xs:simpleType>
          <xs:complexType name="problem" mixed="true">
            <xs:attribute name="message" type="xs:string"/>
            <xs:attribute name="type" type="xs:string"/>
          </xs:complexType>
          <xs:element name="testsuites">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
              <xs:attribute name="name" type="xs:string"/>
              <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
              <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
              <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
              <xs:attribute name="time" type="seconds"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="testsuite">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="properties" minOccurs="0">
                  <xs:complexType><xs:sequence>
                    <xs:element name="property" minOccurs="0" maxOccurs="unbounded">
                      <xs:complexType>
                        <xs:attribute name="name" type="xs:string" use="required"/>
                        <xs:attribute name="value" type="xs:string" use="required"/>
                      </xs:complexType>
                    </xs:element>
                  </xs:sequence></xs:complexType>
                </xs:element>
                <xs:element ref="testcase" minOccurs="0" maxOccurs="unbounded"/>
                <xs:element name="system-out" type="xs:string" minOccurs="0"/>
                <xs:element name="system-err" type="xs:string" minOccurs="0"/>
              </xs:sequence>
              <xs:attribute name="name" type="xs:string" use="required"/>
              <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
              <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
              <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
              <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
              <xs:attribute name="time" type="seconds"/>
              <xs:attribute name="timestamp" type="xs:string"/>
              <xs:attribute name="hostname" type="xs:string"/>
              <xs:attribute name="id" type="xs:string"/>
              <xs:attribute name="package" type="xs:string"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="testcase">
            <xs:complexType>
              <xs:choice minOccurs="0" maxOccurs="unbounded">
                <xs:element name="skipped" type="problem"/>
                <xs:element name="error" type="problem"/>
                <xs:element name="failure" type="problem"/>
                <xs:element name="system-out" type="xs:string"/>
                <xs:element name="system-err" type="xs:string"/>
              </xs:choice>
              <xs:attribute name="name" type="xs:string" use="required"/>
              <xs:attribute name="classname" type="xs:string"/>
              <xs:attribute name="time" type="seconds"/>
            </xs:complexType>
          </xs:element>
        </xs:schema>

        """

    /// `xmllint` (Debian: libxml2-utils), if installed.
    static let xmllint: String? = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs `xmllint ARGS`; its exit status and output.
    static func xmllint(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(xmllint))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Checks a JUnit document against the schema with xmllint.
    static func validate(junit xml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let folder = try E2ESupport.temporaryFolder()
        defer { E2ESupport.remove(folder) }
        try junitSchema.write(toFile: folder + "/junit.xsd", atomically: true, encoding: .utf8)
        try xml.write(toFile: folder + "/report.xml", atomically: true, encoding: .utf8)
        let (status, output) = try xmllint(["--noout", "--schema", folder + "/junit.xsd", folder + "/report.xml"])
        #expect(status == 0, "not valid against the JUnit schema:\n\(output)\n\(xml)", sourceLocation: sourceLocation)
    }

    /// Parses a document with Foundation's XML parser (and checks its root element), and
    /// with xmllint when it is installed.
    static func assertWellFormed(_ xml: String, root: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        #if canImport(FoundationXML) || os(macOS)
        let doc = try XMLDocument(xmlString: xml, options: [])
        #expect(doc.rootElement()?.name == root, sourceLocation: sourceLocation)
        #endif
        if xmllint != nil {
            let folder = try E2ESupport.temporaryFolder()
            defer { E2ESupport.remove(folder) }
            try xml.write(toFile: folder + "/doc.xml", atomically: true, encoding: .utf8)
            let (status, output) = try xmllint(["--noout", folder + "/doc.xml"])
            #expect(status == 0, "not well-formed:\n\(output)", sourceLocation: sourceLocation)
        }
    }

    @Test("JUnit: valid against the schema, one testcase a scenario, the failure text in full",
          .enabled(if: ReportTests.xmllint != nil, "xmllint is not installed (Debian: apt-get install libxml2-utils)"))
    func junit() throws {
        guard let pass = try Self.run(Self.story, path: "scenarios/story.scenario"),
              let fail = try Self.run(Self.failing, path: "scenarios/groups/failing.scenario"),
              let line = E2ESupport.line(of: "# fails", in: Self.failing) else { return }
        let trace = fail.events.map { TraceFormatter.text($0, color: false) }.joined(separator: "\n")
        let report = JUnitReport(cases: [
            .init(outcome: pass.outcome),
            .init(outcome: fail.outcome, systemOut: trace),
        ])
        let xml = report.xml()
        try Self.validate(junit: xml)
        #expect(!xml.contains("time="), "no time measured, no time attribute: the report is deterministic")
        #expect(Self.count("<testcase ", in: xml) == 2)
        #expect(xml.contains(#"<testcase classname="scenarios" name="story.scenario"/>"#))
        #expect(xml.contains(#"<testcase classname="scenarios.groups" name="failing.scenario">"#))
        #expect(xml.contains("<failure message=\"scenarios/groups/failing.scenario:\(line): expect alice friends&#10;"))
        #expect(xml.contains("alice&apos;s friends") || xml.contains("alice's friends: bob"), "what was found")
        #expect(xml.contains("<system-out>"), "the trace")

        #if canImport(FoundationXML) || os(macOS)
        let doc = try XMLDocument(xmlString: xml, options: [])
        let cases = try doc.nodes(forXPath: "//testcase")
        #expect(cases.count == 2)
        let failures = try doc.nodes(forXPath: "//testcase[@name='failing.scenario']/failure")
        #expect(failures.count == 1)
        let failure = try #require(failures.first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue == fail.outcome.failures.first?.description)
        #expect(failure.stringValue == E2ESupport.report(fail.outcome), "the full failure report")
        let out = try doc.nodes(forXPath: "//testcase[@name='failing.scenario']/system-out").first?.stringValue
        #expect(out == trace, "the trace survives escaping")
        #expect(try doc.nodes(forXPath: "//testsuite").count == 2, "one suite a folder")
        #endif
    }

    @Test("JUnit with wall time: a time attribute a case and a total")
    func junitTimes() throws {
        guard let pass = try Self.run(Self.story) else { return }
        let xml = JUnitReport(cases: [.init(outcome: pass.outcome, seconds: 0.25), .init(outcome: pass.outcome, seconds: 1.5)]).xml()
        #expect(xml.contains(#"name="story.scenario" time="0.250"/>"#))
        #expect(xml.contains(#"<testsuites name="confchat run" tests="2" failures="0" errors="0" time="1.750">"#))
        if Self.xmllint != nil { try Self.validate(junit: xml) }
    }

    // MARK: - The command line

    @Test("confchat run --junit: a valid report of every scenario, failures with FILE:LINE",
          .enabled(if: ReportTests.xmllint != nil, "xmllint is not installed (Debian: apt-get install libxml2-utils)"))
    func junitCommandLine() throws {
        let folder = try E2ESupport.folder(with: ["a/fails.scenario": Self.failing, "a/passes.scenario": E2ESupport.twoFriends,
                                                  "b/passes.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }
        let report = folder + "/out/junit.xml"
        guard let r = try E2ESupport.confchat(["run", folder, "--junit", report, "--trace"]),
              let line = E2ESupport.line(of: "# fails", in: Self.failing) else { return }
        #expect(r.status == 1)
        #expect(r.lastLine == "2 passed, 1 failed")
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        try Self.validate(junit: xml)
        #expect(Self.count("<testcase ", in: xml) == 3)
        #expect(xml.contains("\(folder)/a/fails.scenario:\(line): expect alice friends"))
        #expect(Self.count("<system-out>", in: xml) == 3, "--trace: each case carries its trace")
        #expect(xml.contains("time=\""), "the command line measures wall time")
    }

    @Test("confchat run --jobs 2 prints exactly what --jobs 1 prints")
    func jobsSameOutput() throws {
        guard let one = try E2ESupport.confchat(["run", "scenarios", "--trace", "--jobs", "1"]),
              let two = try E2ESupport.confchat(["run", "scenarios", "--trace", "--jobs", "2"]) else { return }
        #expect(one.status == 0, "\(one.stderr)")
        #expect(two.status == one.status)
        #expect(one.lastLine == "\(E2ESupport.scenarioFiles.count) passed, 0 failed")
        #expect(E2ESupport.withoutWallTimes(two.stdout) == E2ESupport.withoutWallTimes(one.stdout), "same bytes, in input order, but for wall times")
        #expect(two.stderr.isEmpty, "no progress line when stderr is not a terminal")
    }

    @Test("confchat run --jobs keeps failures in input order and the exit status")
    func jobsFailures() throws {
        let folder = try E2ESupport.folder(with: ["1.scenario": E2ESupport.twoFriends, "2.scenario": Self.failing,
                                                  "3.scenario": Self.story, "4.scenario": Self.failing])
        defer { E2ESupport.remove(folder) }
        guard let one = try E2ESupport.confchat(["run", folder, "--keep-going"]),
              let many = try E2ESupport.confchat(["run", folder, "--keep-going", "-j", "4"]) else { return }
        #expect(one.status == 1 && many.status == 1)
        #expect(E2ESupport.withoutWallTimes(many.stdout) == E2ESupport.withoutWallTimes(one.stdout))
        #expect(many.lastLine == "2 passed, 2 failed")
    }

    @Test("confchat run --diagram: one file a scenario, named after it; --trace-format mermaid prints a diagram")
    func diagramCommandLine() throws {
        let folder = try E2ESupport.folder(with: ["s/alpha.scenario": Self.story, "s/beta.scenario": Self.failing])
        defer { E2ESupport.remove(folder) }
        guard let r = try E2ESupport.confchat(["run", folder + "/s", "--diagram", folder + "/out/flow.svg", "--jobs", "2"]) else { return }
        #expect(r.status == 1)
        for name in ["alpha", "beta"] {
            let svg = try String(contentsOfFile: "\(folder)/out/flow-\(name).svg", encoding: .utf8)
            #expect(svg.hasPrefix("<?xml") && svg.contains("\(folder)/s/\(name).scenario"))
            try Self.assertWellFormed(svg, root: "svg")
        }
        let beta = try String(contentsOfFile: "\(folder)/out/flow-beta.svg", encoding: .utf8)
        #expect(beta.contains("<g class=\"band failure\" data-location"))

        guard let h = try E2ESupport.confchat(["run", folder + "/s/alpha.scenario", "--diagram", folder + "/one.html",
                                               "--diagram-filter", "alice,registry"]) else { return }
        #expect(h.status == 0, "\(h.output)")
        let page = try String(contentsOfFile: folder + "/one.html", encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && !page.contains("data-node=\"bob\""))

        guard let m = try E2ESupport.confchat(["run", folder + "/s/alpha.scenario", "--trace-format", "mermaid"]) else { return }
        #expect(m.status == 0)
        #expect(m.stdout.hasPrefix("sequenceDiagram\n"), "\(m.stdout.prefix(200))")
        #expect(m.stdout.contains("    participant alice") && m.stdout.contains("alice->>registry: REGISTER"))
        #expect(m.lastLine == "1 passed, 0 failed")
    }

    @Test("usage errors of the report options exit 2", arguments: [
        ["--diagram", "out.png"], ["--diagram-filter", "Alice"], ["--diagram-filter", ","], ["--jobs=-1"],
    ])
    func usageErrors(arguments: [String]) throws {
        guard let r = try E2ESupport.confchat(["run", "scenarios/basics.scenario"] + arguments) else { return }
        #expect(r.status == 2, "\(r.output)")
        #expect(!r.stdout.contains("PASS"), "nothing runs")
    }
}
