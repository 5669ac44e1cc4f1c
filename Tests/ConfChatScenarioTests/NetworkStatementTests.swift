import Testing
@testable import ConfChatScenario

/// `network ...` statements (language version 1.2): each form, and the errors a careless
/// percentage, range or link gets, pointed at the token.
@Suite("Network statements")
struct NetworkStatementTests {
    static func setting(_ line: String) -> NetworkSetting? {
        guard case let .action(.network(s), false)? = TestSupport.kinds("peers alice bob\n" + line).last else { return nil }
        return s
    }

    @Test func everyForm() {
        #expect(Self.setting("network latency 20ms") == NetworkSetting(property: .latency(min: .milliseconds(20), max: .milliseconds(20))))
        #expect(Self.setting("network latency 1ms..80ms") == NetworkSetting(property: .latency(min: .milliseconds(1), max: .milliseconds(80))))
        #expect(Self.setting("network latency 0s..2s") == NetworkSetting(property: .latency(min: .milliseconds(0), max: .seconds(2))))
        #expect(Self.setting("network loss 5%") == NetworkSetting(property: .loss(Percentage(partsPerMillion: 50_000))))
        #expect(Self.setting("network loss 0.5%") == NetworkSetting(property: .loss(Percentage(partsPerMillion: 5_000))))
        #expect(Self.setting("network loss 0%") == NetworkSetting(property: .loss(.zero)))
        #expect(Self.setting("network duplicate 100%") == NetworkSetting(property: .duplicate(.all)))
        #expect(Self.setting("network alice bob loss 100%") == NetworkSetting(link: ["alice", "bob"], property: .loss(.all)))
        #expect(Self.setting("network bob registry latency 5ms") == NetworkSetting(link: ["bob", "registry"], property: .latency(min: .milliseconds(5), max: .milliseconds(5))))
        #expect(Self.setting("network reset") == NetworkSetting(property: .reset))
    }

    @Test func settingsReadBackAsWritten() {
        for line in ["network latency 20ms", "network latency 1ms..80ms", "network loss 12.25%", "network alice bob duplicate 0.0001%", "network reset"] {
            #expect(Self.setting(line)?.description == line)
        }
    }

    @Test func badPercentages() {
        #expect(TestSupport.errors("network loss 120%") == """
            chat.scenario:1:14: error: percentage '120%' is over 100%
            network loss 120%
                         ^
            """)
        #expect(TestSupport.errors("network loss 5") == """
            chat.scenario:1:14: error: bad percentage '5' (expected a number from 0 to 100 with at most four decimals, then '%', as in 5% or 0.5%)
            network loss 5
                         ^
            """)
        #expect((TestSupport.errors("network duplicate 0.00001%") ?? "").hasPrefix("chat.scenario:1:19: error: bad percentage '0.00001%'"))
        #expect((TestSupport.errors("network loss -5%") ?? "").hasPrefix("chat.scenario:1:14: error: bad percentage '-5%'"))
    }

    @Test func badRanges() {
        #expect(TestSupport.errors("network latency 80ms..1ms") == """
            chat.scenario:1:17: error: the latency range '80ms..1ms' ends before it starts (write the shorter delay first)
            network latency 80ms..1ms
                            ^
            """)
        #expect(TestSupport.errors("network latency 1ms..80") == """
            chat.scenario:1:22: error: bad duration '80' (expected an integer and a unit: ms, s, m or h, as in 250ms or 5s)
            network latency 1ms..80ms
                                 ^
            """.replacingOccurrences(of: "1ms..80ms", with: "1ms..80"))
        #expect((TestSupport.errors("network latency 1ms..") ?? "").hasPrefix("chat.scenario:1:17: error: bad latency '1ms..'"))
        #expect((TestSupport.errors("network latency") ?? "").hasPrefix("chat.scenario:1:16: error: expected a delay or a range (as in 20ms or 1ms..80ms) after 'latency'"))
    }

    @Test func badLinks() {
        #expect(TestSupport.errors("peers alice\nnetwork alice alice loss 5%") == """
            chat.scenario:2:15: error: a link joins two different nodes, not 'alice' and itself
            network alice alice loss 5%
                          ^
            """)
        #expect((TestSupport.errors("peers alice\nnetwork alice carol loss 5%") ?? "").hasPrefix("chat.scenario:2:15: error: undeclared peer 'carol'"))
        #expect((TestSupport.errors("peers alice bob\nnetwork alice bob reset") ?? "").hasPrefix(
            "chat.scenario:2:19: error: unknown link property 'reset' (expected one of: latency, loss, duplicate) ('network reset' resets the whole network)"))
        #expect((TestSupport.errors("network lattency 20ms") ?? "").hasPrefix("chat.scenario:1:9: error: unknown network property 'lattency'"))
        #expect((TestSupport.errors("network") ?? "").hasPrefix("chat.scenario:1:8: error: expected a property (latency, loss, duplicate, reset) or the two nodes of a link after 'network'"))
        #expect((TestSupport.errors("network reset now") ?? "").hasPrefix("chat.scenario:1:15: error: unexpected 'now' at the end of the statement"))
        #expect((TestSupport.errors("! network reset") ?? "").hasPrefix("chat.scenario:1:1: error: '!' is only allowed before an action, not before 'network'"))
    }
}
