import ConfChatTools
import Testing

/// What `confchat run --processes` skips: files marked `# simulator-only: REASON`.
@Suite struct SimulatorOnlyMarkerTests {
    @Test("a marked file gives its reason; an unmarked one, or a marker in a statement's text, none")
    func marker() {
        #expect(SimulatorOnlyMarker.reason(in: "peers a\n  # simulator-only: needs the exact clock\nwait 1s\n") == "needs the exact clock")
        #expect(SimulatorOnlyMarker.reason(in: "peers a\n# a comment\nwait 1s\n") == nil)
        #expect(SimulatorOnlyMarker.reason(in: "a send b \"# simulator-only: no\"\n") == nil)
        #expect(SimulatorOnlyMarker.reason(in: "# simulator-only:\n") == "no reason given")
    }
}
