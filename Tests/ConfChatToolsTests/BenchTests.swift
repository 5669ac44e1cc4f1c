import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import ConfChatTools
import Foundation
import Testing

/// The bench's own correctness: small runs pass their verification, the verifier catches a
/// lost, duplicated or reordered delivery in crafted logs, and the JSON report is complete.
/// No test here asserts a time: machines differ and so does their load.
@Suite struct BenchTests {
    private func options(peers: Int = 20, friends: Int = 3, messages: Int = 500, _ change: (inout BenchOptions) -> Void = { _ in })
        -> BenchOptions {
        var o = BenchOptions()
        o.peers = peers
        o.friends = friends
        o.messages = messages
        change(&o)
        return o
    }

    // MARK: - Small benches pass their verification

    @Test("a small bench delivers every message exactly once, in order")
    func smallBench() throws {
        let result = try BenchRunner(options: options()).run()
        #expect(result.deliveries == 500)
        #expect(result.verification == "all 500 deliveries exactly once, in order")
        #expect(result.rawMessagesPerSecond ?? 0 > 0)
        #expect(result.messagesPerSecond > 0)
    }

    @Test("the protocol's floor moves four ZeroMQ messages a delivery, beside raw's one, and says so")
    func protocolFloor() throws {
        let result = try BenchRunner(options: options(messages: 300) { $0.protocolFloor = true }).run()
        #expect(result.deliveries == 300)
        #expect(result.floorFramesRead == 4 * 300, "a CHAT, its acknowledgement and two backup entries a delivery")
        #expect(result.floorMessagesPerSecond ?? 0 > 0)
        #expect(result.floorRatio != nil)
        #expect(result.json.contains("\"floor_ratio\": "))
        #expect(result.table.contains("protocol's floor"))
        // Its latency too, a CHAT's send to its receipt: the light load's bound.
        #expect((result.floorP50Micros ?? 0) > 0 && (result.floorP99Micros ?? 0) >= (result.floorP50Micros ?? 0))
        #expect(result.json.contains("\"floor_p99_us\": ") && result.table.contains("floor's latency"))
        // Without the flag the bench runs no floor and prints none.
        let plain = try BenchRunner(options: options(messages: 50)).run()
        #expect(plain.floorMessagesPerSecond == nil && !plain.json.contains("floor_ratio"))
        #expect(options { $0.protocolFloor = true; $0.compareRaw = false }.problem()?.contains("--protocol-floor") == true)
        #expect(options { $0.protocolFloor = true; $0.groupSize = 3 }.problem()?.contains("--protocol-floor") == true)
    }

    @Test("light load, group fan-out and the disk store pass too")
    func variants() throws {
        let light = try BenchRunner(options: options(messages: 100) { $0.batch = 1; $0.compareRaw = false }).run()
        #expect(light.deliveries == 100)
        let groups = try BenchRunner(options: options(messages: 200) { $0.groupSize = 3; $0.compareRaw = false }).run()
        #expect(groups.deliveries == 400, "each send-group reaches the two other members")
        let disk = try BenchRunner(options: options(peers: 10, friends: 2, messages: 200) { $0.store = .disk; $0.compareRaw = false }).run()
        #expect(disk.deliveries == 200)
        #expect(disk.transactions ?? 0 > 0)
        // The run ends with a checkpoint: the message phase's rows reached the databases.
        #expect(disk.checkpointTransactions ?? 0 > 0)
        #expect(light.checkpointTransactions == nil, "the memory store has no checkpoint")
        let each = try BenchRunner(options: options(peers: 10, friends: 2, messages: 50) {
            $0.store = .disk; $0.commitEachInput = true; $0.compareRaw = false
        }).run()
        #expect(each.deliveries == 50)
    }

    @Test("the set-up derives each peer's password key once: its login finds the derivation its registration made")
    func setupDerivesOncePerPeer() throws {
        let (sim, names) = try BenchRunner(options: options()).network()
        defer { sim.shutDown() }
        #expect(names.count == 20)
        #expect(sim.sealer.derivations == 20)
        #expect(try names.allSatisfy { try sim.durableState($0).credentials?.hasPrefix("$conf-chat-key$") == true })
    }

    @Test("the bulk set-up builds a network that delivers the same load")
    func bulkSetup() throws {
        let result = try BenchRunner(options: options { $0.setup = .bulk; $0.compareRaw = false }).run()
        #expect(result.deliveries == 500)
    }

    @Test("the bulk set-up leaves every peer the state the commands leave")
    func bulkStateMatchesCommands() throws {
        func states(_ setup: BenchOptions.Setup) throws -> [PeerDurableState] {
            let (sim, names) = try BenchRunner(options: options { $0.setup = setup; $0.groupSize = 3 }).network()
            defer { sim.shutDown() }
            return try names.map { name in
                // Endpoints name the simulator they live in.
                var s = try sim.durableState(name)
                #expect(s.credentials?.hasPrefix("$conf-chat-key$") == true)
                for (friend, endpoint) in s.friends { s.apply(.setFriend(name: friend, endpoint: Self.local(endpoint))) }
                s.groups = s.groups.mapValues { GroupView(owner: $0.owner, members: $0.members.mapValues(Self.local)) }
                return s
            }
        }
        let commands = try states(.commands), bulk = try states(.bulk)
        #expect(commands.count == 20)
        #expect(commands.allSatisfy { $0.friends.count == 3 })
        #expect(commands.contains { !$0.groups.isEmpty })
        #expect(bulk == commands)
    }

    private static func local(_ endpoint: String) -> String { String(endpoint.split(separator: "/").last ?? "") }

    @Test("impossible options are refused before anything runs")
    func invalidOptions() {
        #expect(throws: BenchError.self) { try BenchRunner(options: options(friends: 20)) }
        #expect(throws: BenchError.self) { try BenchRunner(options: options { $0.groupSize = 6 }) }
        #expect(throws: BenchError.self) { try BenchRunner(options: options { $0.batch = 0 }) }
    }

    // MARK: - The verifier on crafted logs

    /// Peer 0 sends messages 0, 1, 2 to peer 1; message 3 goes from peer 1 to peers 0 and 2.
    private let expected: [DeliveryVerifier.Expected] = [
        .init(sender: 0, recipients: [1]), .init(sender: 0, recipients: [1]), .init(sender: 0, recipients: [1]),
        .init(sender: 1, recipients: [0, 2]),
    ]

    private func delivery(_ id: Int32, to r: Int32) -> DeliveryVerifier.Delivery {
        .init(recipient: r, sender: id == 3 ? 1 : 0, id: id)
    }

    private var complete: [DeliveryVerifier.Delivery] {
        [delivery(0, to: 1), delivery(3, to: 2), delivery(1, to: 1), delivery(3, to: 0), delivery(2, to: 1)]
    }

    @Test("a complete, ordered log passes")
    func verifierPasses() {
        let report = DeliveryVerifier.verify(expected: expected, deliveries: complete)
        #expect(report.passed)
        #expect(report.expected == 5 && report.delivered == 5)
        #expect(report.problems.isEmpty)
    }

    @Test("a lost message is found")
    func verifierFindsLoss() {
        var log = complete
        log.remove(at: 3)  // message 3 never reaches peer 0
        let report = DeliveryVerifier.verify(expected: expected, deliveries: log)
        #expect(!report.passed)
        #expect(report.lost == 1)
        #expect(report.problems == [.lost(id: 3, recipient: 0)])
    }

    @Test("a duplicate is found")
    func verifierFindsDuplicate() {
        let report = DeliveryVerifier.verify(expected: expected, deliveries: complete + [delivery(1, to: 1)])
        #expect(!report.passed)
        #expect(report.duplicates == 1)
        #expect(report.problems == [.duplicate(id: 1, recipient: 1)])
    }

    @Test("a reordering is found")
    func verifierFindsReordering() {
        let log = [delivery(0, to: 1), delivery(2, to: 1), delivery(1, to: 1), delivery(3, to: 0), delivery(3, to: 2)]
        let report = DeliveryVerifier.verify(expected: expected, deliveries: log)
        #expect(!report.passed)
        #expect(report.reordered == 1)
        #expect(report.problems == [.reordered(sender: 0, recipient: 1, id: 1, after: 2)])
        #expect(report.lost == 0 && report.duplicates == 0)
    }

    @Test("a delivery no send explains is found")
    func verifierFindsStrangers() {
        let wrongRecipient = DeliveryVerifier.Delivery(recipient: 2, sender: 0, id: 0)
        let unknownId = DeliveryVerifier.Delivery(recipient: 1, sender: 0, id: 99)
        let report = DeliveryVerifier.verify(expected: expected, deliveries: complete + [wrongRecipient, unknownId])
        #expect(!report.passed)
        #expect(report.unexpected == 2)
    }

    // MARK: - Output

    @Test("the JSON report has every key", arguments: [nil, 3] as [Int?])
    func jsonKeys(groupSize: Int?) throws {
        let result = try BenchRunner(options: options(messages: 100) { $0.groupSize = groupSize }).run()
        let object = try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any]
        let keys = Set(object?.keys.map { $0 } ?? [])
        var required: Set<String> = [
            "messages_per_second", "raw_messages_per_second", "ratio", "p50_us", "p99_us", "p999_us",
            "setup_seconds", "setup_cpu_seconds", "peak_rss_bytes", "peers", "messages", "store", "transport",
            "overhead_per_peer_bytes", "raw_setup_connections", "seed_way_messages_per_second", "vs_seed",
            "setup_heap_bytes", "raw_setup_heap_bytes", "overhead_per_peer_rss_bytes",
        ]
        if groupSize != nil { required.insert("group_size") }
        #expect(required.subtracting(keys).isEmpty, "missing: \(required.subtracting(keys).sorted())")
        #expect(object?["store"] as? String == "memory")
        #expect(object?["transport"] as? String == "inproc")
        #expect(object?["peers"] as? Int == 20)
        #expect(object?["group_size"] as? Int == groupSize)
        #expect(!result.table.isEmpty)
    }

    @Test("light load also reports the simulator thread's CPU time from send to delivery; other loads do not")
    func lightLoadCPULatency() throws {
        let light = try BenchRunner(options: options(messages: 50) { $0.batch = 1; $0.compareRaw = false }).run()
        let object = try JSONSerialization.jsonObject(with: Data(light.json.utf8)) as? [String: Any]
        #expect(object?["cpu_p50_us"] is Double)
        #expect(object?["cpu_p99_us"] is Double)
        #expect(light.table.contains("CPU send->stored"))
        let batched = try BenchRunner(options: options(messages: 50) { $0.compareRaw = false }).run()
        let other = try JSONSerialization.jsonObject(with: Data(batched.json.utf8)) as? [String: Any]
        #expect(other?["cpu_p99_us"] is NSNull)
        #expect(!batched.table.contains("CPU send->stored"))
    }

    @Test("libzmq's own memory is taken with the connections a set-up network holds, not the group links it opens later")
    func rawMemoryConnections() throws {
        let result = try BenchRunner(options: options(messages: 50) { $0.groupSize = 4 }).run()
        // Each of the 20 peers to its 3 friends, to the registry, and the registry to it.
        #expect(result.rawSetupConnections == 20 * 3 + 2 * 20)
        #expect(result.rawConnections ?? 0 > result.rawSetupConnections ?? 0, "members who are not friends are linked afterwards")
    }

    @Test("the seed's way is timed in the same run when asked")
    func seedWay() throws {
        let result = try BenchRunner(options: options(messages: 100) { $0.seedWay = true; $0.compareRaw = false }).run()
        #expect(result.seedWayMessagesPerSecond ?? 0 > 0)
        #expect(result.vsSeed ?? 0 > 0)
    }

    // MARK: - Generated scenarios

    @Test("the generated scenario, timed as confchat run runs it, passes and reports its figures")
    func scenarioBench() throws {
        let result = try ScenarioBench(statements: 300, seed: 3).run()
        #expect(result.failures.isEmpty, "\(result.failures.joined(separator: "\n"))")
        #expect(result.statements == 300)
        let object = try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any]
        #expect(object?["scenario_statements"] as? Int == 300)
        #expect(object?["scenario_passed"] as? Bool == true)
        #expect(object?["scenario_seconds"] as? Double != nil)
    }

    @Test("a generated scenario has the statements asked for, and passes")
    func generatedScenario() throws {
        let generated = ScenarioGenerator(statements: 400, seed: 7)
        #expect(generated.statementCount == 400)
        #expect(ScenarioGenerator(statements: 400, seed: 7).text == generated.text, "a function of the seed")
        let scenario = try ScenarioLoader.parse(source: generated.text, path: "generated.scenario")
        #expect(scenario.statements.count == 400)
        let outcome = try ScenarioRunner(scenario: scenario, options: .init()).run()
        #expect(outcome.passed, "\(outcome.failures.map(\.description).joined(separator: "\n"))")
    }
}
