import ConfChatCore
import ConfChatScenario
import ConfChatSimulator
import Foundation

/// Runs one bench: raw libzmq first, then the simulated network (set-up, message phase,
/// verification), and returns the measurements. Throws when the network cannot be built,
/// a send is refused, or a message is lost, duplicated or reordered.
///
/// The message phase goes through the real machines, codec, stores and ZeroMQ sockets of
/// the `Simulator`: only how often the network settles (`batch`) and, for the disk store,
/// when transactions commit (`GroupCommit`) are the bench's own.
public final class BenchRunner {
    public enum Phase: String, Sendable {
        case raw = "raw libzmq"
        case setup = "set-up"
        case messages = "messages"
    }

    public let options: BenchOptions
    /// Called now and then with the phase and how far it is (0...1).
    public var progress: ((Phase, Double) -> Void)?

    public init(options: BenchOptions) throws {
        if let problem = options.problem() { throw BenchError.invalidOptions(problem) }
        self.options = options
    }

    public func run() throws -> BenchResult {
        var result = BenchResult(options: options)
        let graph = BenchGraph(peers: options.peers, friends: options.friends, groupSize: options.groupSize, seed: options.seed)
        let workload = BenchWorkload(graph: graph, messages: options.messages, bodySize: options.bodySize, seed: options.seed)
        try checkFileLimit(graph)
        let expected = Self.expected(graph, workload)
        let expectedDeliveries = expected.reduce(0) { $0 + $1.recipients.count }

        if options.compareRaw {
            let frame = try WireCodec.encode(.chat(seq: 1, body: Array(workload.text(0).utf8))).count
            let raw = RawZMQBench(graph: graph, workload: workload, transport: options.transport, batch: options.batch, frameSize: frame)
            let r = try raw.run { [progress] in progress?(.raw, $0) }
            result.rawMessagesPerSecond = r.messagesPerSecond
            result.rawP50Micros = Double(r.latency.valueAtPercentile(50)) / 1000
            result.rawP99Micros = Double(r.latency.valueAtPercentile(99)) / 1000
            result.rawSetupResidentBytes = r.setupResidentBytes
            result.rawSetupHeapBytes = r.setupHeapBytes
            result.rawConnections = r.connections
            result.rawSetupConnections = r.setupConnections
            if options.protocolFloor {
                let floor = RawZMQBench(graph: graph, workload: workload, transport: options.transport, batch: options.batch,
                                        frameSize: frame, protocolFloor: true)
                let f = try floor.run { [progress] in progress?(.raw, $0) }
                result.floorMessagesPerSecond = f.messagesPerSecond
                result.floorFramesRead = f.framesRead
                result.floorP50Micros = Double(f.latency.valueAtPercentile(50)) / 1000
                result.floorP99Micros = Double(f.latency.valueAtPercentile(99)) / 1000
            }
        }
        if options.seedWay {
            result.seedWayMessagesPerSecond = try SeedWayBench(messages: 3000, bodySize: options.bodySize).run()
        }

        let directory = options.store == .disk
            ? NSTemporaryDirectory() + "confchat-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" : nil
        defer { if let directory { try? FileManager.default.removeItem(atPath: directory) } }
        let log = DeliveryLog(names: graph.names, messages: workload.sends.count, expectedDeliveries: expectedDeliveries,
                              cpu: options.batch == 1)
        ProcessMemory.trim()
        let before = ProcessMemory.residentBytes()
        let heapBefore = ProcessMemory.heapInUseBytes()

        let setupStart = BenchClock.nanoseconds()
        let setupCPUStart = BenchClock.cpuSeconds()
        let sim = try Simulator(options: SimOptions(
            transport: options.transport, seed: options.seed, storage: directory.map { .disk($0) } ?? .memory, hashCost: .fast))
        defer { sim.shutDown() }
        switch options.setup {
        case .commands: try BenchSetup.run(sim, graph) { [progress] in progress?(.setup, $0) }
        case .bulk: try BulkSetup.run(sim, graph) { [progress] in progress?(.setup, $0) }
        }
        result.setupSeconds = BenchClock.seconds(since: setupStart)
        result.setupCPUSeconds = BenchClock.cpuSeconds() - setupCPUStart
        try BenchSetup.checkPresence(sim, graph)
        result.setupResidentBytes = max(0, ProcessMemory.residentBytes() - before)
        result.setupHeapBytes = heapBefore.flatMap { b in ProcessMemory.heapInUseBytes().map { $0 - b } }

        sim.eventObserver = log.observe
        let grouped = options.store == .disk && !options.commitEachInput
        let transactionsBefore = sim.transactions
        let appliedBefore = sim.runLog?.transactions
        let cpuStart = BenchClock.cpuSeconds()
        try messagePhase(sim, graph, workload, log, grouped, &result)
        result.messageCPUSeconds = BenchClock.cpuSeconds() - cpuStart
        if let runLog = sim.runLog {
            // What the message phase left in the run's log, into every peer's database: the
            // rest of the disk store's work, which the rate above does not include.
            let start = BenchClock.nanoseconds()
            let cpu = BenchClock.cpuSeconds()
            try runLog.checkpoint()
            result.checkpointSeconds = BenchClock.seconds(since: start)
            result.checkpointCPUSeconds = BenchClock.cpuSeconds() - cpu
        }
        result.peakResidentBytes = ProcessMemory.peakResidentBytes()
        result.transactions = grouped ? sim.transactions - transactionsBefore : nil
        if let runLog = sim.runLog, let appliedBefore { result.checkpointTransactions = runLog.transactions - appliedBefore }
        sim.eventObserver = nil

        result.deliveries = log.deliveries.count
        result.p50Micros = Double(log.latency.valueAtPercentile(50)) / 1000
        result.p99Micros = Double(log.latency.valueAtPercentile(99)) / 1000
        result.p999Micros = Double(log.latency.valueAtPercentile(99.9)) / 1000
        result.maxMicros = Double(log.latency.max) / 1000
        result.cpuP50Micros = log.cpuLatency.map { Double($0.valueAtPercentile(50)) / 1000 }
        result.cpuP99Micros = log.cpuLatency.map { Double($0.valueAtPercentile(99)) / 1000 }
        let report = DeliveryVerifier.verify(expected: expected, deliveries: log.deliveries)
        result.verification = report.summary
        guard report.passed else {
            let details = report.problems.map { "  " + $0.description }.joined(separator: "\n")
            throw BenchError.verificationFailed(report.summary + (details.isEmpty ? "" : "\n" + details))
        }
        return result
    }

    private func messagePhase(_ sim: Simulator, _ graph: BenchGraph, _ workload: BenchWorkload, _ log: DeliveryLog,
                              _ grouped: Bool, _ result: inout BenchResult) throws {
        let peers = try sim.benchPeers(graph.names)
        let sends = workload.sends
        let start = BenchClock.nanoseconds()
        var i = 0
        var nextReport = 0
        var issued: [(id: CommandID, send: Int)] = []
        while i < sends.count {
            let end = min(i + options.batch, sends.count)
            issued.removeAll(keepingCapacity: true)
            for id in i..<end {
                let s = sends[id]
                let text = workload.text(id)
                let command: PeerCommand = workload.isGroup
                    ? .group(.send(group: graph.groups[Int(s.to)].name, text: text))
                    : .send(to: graph.names[Int(s.to)], text: text)
                if !log.cpuSentAt.isEmpty { log.cpuSentAt[id] = BenchClock.threadCPUNanoseconds() }  // before the wall clock
                log.sentAt[id] = BenchClock.nanoseconds()
                issued.append((try sim.issue(peers[Int(s.from)], command, grouped: grouped), id))
            }
            try sim.settle(grouped: grouped)
            for (commandID, id) in issued {
                let s = sends[id]
                if let failure = sim.outcome(of: commandID) {
                    throw BenchError.refused("\(graph.names[Int(s.from)]) send #\(id): \(failure)")
                }
            }
            i = end
            if i >= nextReport {
                progress?(.messages, Double(i) / Double(sends.count))
                nextReport = i + max(1, sends.count / 200)
            }
        }
        result.messageSeconds = BenchClock.seconds(since: start)
    }

    /// Builds the bench's network (memory store, no messages) and hands it over: for tests
    /// that compare the two set-ups. The caller shuts it down.
    public func network() throws -> (simulator: Simulator, names: [String]) {
        let graph = BenchGraph(peers: options.peers, friends: options.friends, groupSize: options.groupSize, seed: options.seed)
        let sim = try Simulator(options: SimOptions(transport: options.transport, seed: options.seed, hashCost: .fast))
        switch options.setup {
        case .commands: try BenchSetup.run(sim, graph, progress: nil)
        case .bulk: try BulkSetup.run(sim, graph, progress: nil)
        }
        try BenchSetup.checkPresence(sim, graph)
        return (sim, graph.names)
    }

    /// Who must receive each message: the friend, or every other member of the group.
    static func expected(_ graph: BenchGraph, _ workload: BenchWorkload) -> [DeliveryVerifier.Expected] {
        workload.sends.map { s in
            if workload.isGroup {
                return .init(sender: s.from, recipients: graph.groups[Int(s.to)].members.filter { $0 != Int(s.from) }.map { Int32($0) })
            }
            return .init(sender: s.from, recipients: [s.to])
        }
    }

    /// Fails early, with the reason, when the network would run out of file descriptors.
    private func checkFileLimit(_ graph: BenchGraph) throws {
        let limit = ProcessMemory.raiseFileLimit()
        let nodes = graph.names.count + 1
        let links = graph.friends.reduce(0) { $0 + $1.count } + 2 * graph.names.count
            + graph.groups.reduce(0) { $0 + $1.members.count * ($1.members.count - 1) }
        var needed = 2 * nodes + 12  // stdio, the context's reaper and I/O thread
        if options.transport != .inproc { needed += 2 * links }
        if options.store == .disk { needed += 3 * nodes }
        if needed > limit { throw BenchError.tooManyFiles(needed: needed, limit: limit) }
    }
}
