import ConfChatScenario
import ConfChatTools
import Foundation
import Testing

/// Where `confchat run --hosts N` puts each node, so that the kernel can make every
/// partition of the scenario (nodes on one host are cut off together).
@Suite struct HostPlanTests {
    private func plan(_ source: String, hosts: Int) throws -> HostPlan {
        try HostPlan(scenario: ScenarioLoader.parse(source: source, path: "p.scenario"), hostCount: hosts)
    }

    @Test("without partitions the registry is on host 1 and the peers go round-robin from host 2")
    func roundRobin() throws {
        let p = try plan("peers alice bob carol dave\n", hosts: 3)
        #expect(p.nodes(onHost: 1) == ["registry", "carol"])
        #expect(p.nodes(onHost: 2) == ["alice", "dave"])
        #expect(p.nodes(onHost: 3) == ["bob"])
    }

    @Test("nodes a partition separates, or that one names and another does not, never share a host")
    func partitionsSeparate() throws {
        let source = """
            peers alice bob carol dave
            partition alice bob | carol registry
            heal
            partition alice | bob carol registry
            """
        let p = try plan(source, hosts: 4)
        let (a, b, c, d, r) = try (host("alice", p), host("bob", p), host("carol", p), host("dave", p), host("registry", p))
        #expect(Set([a, b, c, d]).count == 4)  // alice, bob, carol+registry, dave: four sets
        #expect(c == r)
        // The second partition cuts alice's host from bob's and from carol's (the registry's), nothing else.
        #expect(p.cuts(for: [["alice"], ["bob", "carol", "registry"]]).map { [$0.0, $0.1] }
            == [[a, b], [a, c]].map { $0.sorted() }.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
    }

    @Test("a scenario whose partitions need more hosts than asked for gets them, and the plan names the partition")
    func moreHostsThanAsked() throws {
        let source = "peers alice bob carol\npartition alice | bob\nheal\n  partition carol | alice\n"
        // alice, bob, carol and the registry: each treated differently by the two partitions.
        let p = try plan(source, hosts: 3)
        #expect(p.hostCount == 4)
        #expect(Set(["alice", "bob", "carol", "registry"].compactMap(p.host(of:))).count == 4)
        #expect(p.widened?.hasPrefix("p.scenario:4:3: 'partition carol | alice' needs 4 hosts, not 3") == true)
        #expect(try plan(source, hosts: 4).widened == nil)
    }

    @Test("the host cut-off scenario puts alice and bob on a host of their own")
    func hostCutoff() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("scenarios/host-cutoff.scenario").path
        let p = HostPlan(scenario: try ScenarioLoader.load(path: file), hostCount: 3)
        let cutOff = try host("alice", p)
        #expect(p.nodes(onHost: cutOff) == ["alice", "bob"])
        #expect(p.cuts(for: [["alice", "bob"], ["carol", "dave", "registry"]]).count == 2)
    }

    private func host(_ node: String, _ plan: HostPlan) throws -> Int { try #require(plan.host(of: node)) }
}
