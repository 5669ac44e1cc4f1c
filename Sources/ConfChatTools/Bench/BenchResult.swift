import ConfChatSimulator

/// The measurements of one bench run, and how to print them.
public struct BenchResult: Sendable {
    public var options: BenchOptions
    public var deliveries = 0
    public var setupSeconds = 0.0
    /// CPU time of the set-up (every thread): what it cost, where `setupSeconds` on a shared
    /// machine says mostly how long it waited for a core.
    public var setupCPUSeconds = 0.0
    public var messageSeconds = 0.0
    /// CPU time of the message phase (every thread of the process).
    public var messageCPUSeconds = 0.0
    /// Disk store: bringing every database up to date from the run's log after the message
    /// phase (the last checkpoint: the wait for the log's applier thread; what it applied
    /// during the phase is in `messageSeconds`).
    public var checkpointSeconds: Double?
    public var checkpointCPUSeconds: Double?
    public var p50Micros = 0.0
    public var p99Micros = 0.0
    public var p999Micros = 0.0
    public var maxMicros = 0.0
    /// Light load only (`--batch 1`): the simulator thread's CPU time from a send to its
    /// delivery, p50 and p99 (`DeliveryLog.cpuLatency`): the latency less the waits for a core.
    public var cpuP50Micros: Double?
    public var cpuP99Micros: Double?
    public var rawMessagesPerSecond: Double?
    public var rawP50Micros: Double?
    public var rawP99Micros: Double?
    /// Raw libzmq as the protocol's floor (`--protocol-floor`): four ZeroMQ messages and two
    /// seals a delivery, in the same run.
    public var floorMessagesPerSecond: Double?
    /// ZeroMQ messages the floor read: four a delivery.
    public var floorFramesRead: Int?
    /// The floor's latency, a CHAT's send to its receipt, p50 and p99: under light load
    /// (`--batch 1`) what an engine of this protocol could not go under on this machine,
    /// since the CHAT-ACK and two backup entries of each delivery keep libzmq and the
    /// kernel busy around the next one as they do the engine's.
    public var floorP50Micros: Double?
    public var floorP99Micros: Double?
    /// Resident memory the raw sockets and connections took.
    public var rawSetupResidentBytes: Int?
    /// Heap the raw sockets and connections took (`ProcessMemory.heapInUseBytes`).
    public var rawSetupHeapBytes: Int?
    public var rawConnections: Int?
    /// Connections the raw sockets held when their memory was taken (those of a set-up network).
    public var rawSetupConnections: Int?
    /// The seed's way of sending (`SeedWayBench`), in the same run: messages a second.
    public var seedWayMessagesPerSecond: Double?
    public var peakResidentBytes = 0
    /// Resident memory the simulated network took once set up (after minus before).
    public var setupResidentBytes = 0
    /// Heap the simulated network took once set up (in use after minus before).
    public var setupHeapBytes: Int?
    /// Commits in the message phase (disk store): one a node a round, each a record of the run's log.
    public var transactions: Int?
    /// SQLite transactions the checkpoint's thread applied to the databases from the message
    /// phase's start to the end of its last checkpoint (disk store): one a node each time its
    /// held records are applied, a different count from the commits above, which are records
    /// of the log.
    public var checkpointTransactions: Int?
    public var verification = ""

    public init(options: BenchOptions) { self.options = options }

    public var messagesPerSecond: Double { messageSeconds > 0 ? Double(deliveries) / messageSeconds : 0 }
    public var ratio: Double? { rawMessagesPerSecond.map { $0 > 0 ? messagesPerSecond / $0 : 0 } }
    /// The protocol's floor against raw libzmq, in the same run: the highest `ratio` any
    /// engine of this protocol could reach on this machine.
    public var floorRatio: Double? {
        guard let floor = floorMessagesPerSecond, let raw = rawMessagesPerSecond, raw > 0 else { return nil }
        return floor / raw
    }
    /// The engine against the seed's way, in the same run.
    public var vsSeed: Double? { seedWayMessagesPerSecond.map { $0 > 0 ? messagesPerSecond / $0 : 0 } }
    public var residentPerPeer: Int { setupResidentBytes / options.peers }
    /// Memory a peer takes beyond what libzmq's own sockets and connections take: the heap
    /// the set-up network holds less the heap the raw shadow's sockets hold, a peer. Both
    /// count what is allocated, so libzmq's share is the same on both sides and the rest is
    /// what the engine holds, the same in every run (`ProcessMemory.heapInUseBytes`).
    public var overheadPerPeer: Int? {
        guard let net = setupHeapBytes, let raw = rawSetupHeapBytes else { return nil }
        return (net - raw) / options.peers
    }
    /// The same by resident memory, as measured before: it also counts how many pages of
    /// libzmq's allocations each side happened to write, and pages an earlier phase freed
    /// and left resident, so it moves with things the engine does not hold.
    public var residentOverheadPerPeer: Int? { rawSetupResidentBytes.map { (setupResidentBytes - $0) / options.peers } }

    /// One JSON object, keys in a fixed order.
    public var json: String {
        var fields: [(String, String)] = [
            ("messages_per_second", number(messagesPerSecond)),
            ("raw_messages_per_second", rawMessagesPerSecond.map { number($0) } ?? "null"),
            ("ratio", ratio.map { number($0, digits: 4) } ?? "null"),
            ("p50_us", number(p50Micros, digits: 2)),
            ("p99_us", number(p99Micros, digits: 2)),
            ("p999_us", number(p999Micros, digits: 2)),
            ("max_us", number(maxMicros, digits: 2)),
            ("cpu_p50_us", cpuP50Micros.map { number($0, digits: 2) } ?? "null"),
            ("cpu_p99_us", cpuP99Micros.map { number($0, digits: 2) } ?? "null"),
            ("raw_p50_us", rawP50Micros.map { number($0, digits: 2) } ?? "null"),
            ("raw_p99_us", rawP99Micros.map { number($0, digits: 2) } ?? "null"),
            ("setup_seconds", number(setupSeconds, digits: 3)),
            ("setup_cpu_seconds", number(setupCPUSeconds, digits: 3)),
            ("message_seconds", number(messageSeconds, digits: 3)),
            ("message_cpu_seconds", number(messageCPUSeconds, digits: 3)),
            ("messages_per_cpu_second", number(messageCPUSeconds > 0 ? Double(deliveries) / messageCPUSeconds : 0)),
            ("peak_rss_bytes", String(peakResidentBytes)),
            ("setup_rss_bytes", String(setupResidentBytes)),
            ("rss_per_peer_bytes", String(residentPerPeer)),
            ("raw_setup_rss_bytes", rawSetupResidentBytes.map(String.init) ?? "null"),
            ("setup_heap_bytes", setupHeapBytes.map(String.init) ?? "null"),
            ("raw_setup_heap_bytes", rawSetupHeapBytes.map(String.init) ?? "null"),
            ("overhead_per_peer_bytes", overheadPerPeer.map(String.init) ?? "null"),
            ("overhead_per_peer_rss_bytes", residentOverheadPerPeer.map(String.init) ?? "null"),
            ("raw_setup_connections", rawSetupConnections.map(String.init) ?? "null"),
            ("seed_way_messages_per_second", seedWayMessagesPerSecond.map { number($0) } ?? "null"),
            ("vs_seed", vsSeed.map { number($0, digits: 2) } ?? "null"),
            ("peers", String(options.peers)),
            ("friends", String(options.friends)),
            ("messages", String(options.messages)),
            ("deliveries", String(deliveries)),
            ("batch", String(options.batch)),
            ("body_size", String(options.bodySize)),
            ("store", quoted(options.store.rawValue)),
            ("transport", quoted(options.transport.rawValue)),
            ("setup", quoted(options.setup.rawValue)),
            ("seed", String(options.seed)),
        ]
        if let g = options.groupSize { fields.append(("group_size", String(g))) }
        if let f = floorMessagesPerSecond {
            fields.append(("floor_messages_per_second", number(f)))
            fields.append(("floor_ratio", floorRatio.map { number($0, digits: 4) } ?? "null"))
            fields.append(("floor_p50_us", floorP50Micros.map { number($0, digits: 2) } ?? "null"))
            fields.append(("floor_p99_us", floorP99Micros.map { number($0, digits: 2) } ?? "null"))
        }
        if let t = transactions { fields.append(("transactions", String(t))) }
        if let t = checkpointTransactions { fields.append(("checkpoint_transactions", String(t))) }
        if let c = checkpointSeconds { fields.append(("checkpoint_seconds", number(c, digits: 3))) }
        if let c = checkpointCPUSeconds {
            // The disk store's whole cost: the message phase and the last checkpoint, in CPU time.
            fields.append(("checkpoint_cpu_seconds", number(c, digits: 3)))
            fields.append(("messages_per_cpu_second_with_checkpoint",
                           number(messageCPUSeconds + c > 0 ? Double(deliveries) / (messageCPUSeconds + c) : 0)))
        }
        fields.append(("verified", quoted(verification)))
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The human-readable table.
    public var table: String {
        var rows: [(String, String)] = [
            ("network", "\(options.peers) peers x \(options.friends) friends, \(options.transport.rawValue), \(options.store.rawValue) store"
                + (options.groupSize.map { ", groups of \($0)" } ?? "")),
            ("load", "\(options.messages) sends, \(deliveries) deliveries, batches of \(options.batch), \(options.bodySize)-byte bodies, seed \(options.seed)"),
            ("set-up (\(options.setup.rawValue))", "\(fixed(setupSeconds, 2)) s"),
            ("delivered", "\(grouped(messagesPerSecond)) msg/s  (\(fixed(messageSeconds, 2)) s, \(fixed(messageCPUSeconds, 2)) s CPU)"),
        ]
        if let raw = rawMessagesPerSecond, let ratio {
            rows.append(("raw libzmq", "\(grouped(raw)) msg/s  (ratio \(fixed(ratio, 3)))"))
        }
        if let floor = floorMessagesPerSecond, let f = floorRatio {
            rows.append(("protocol's floor", "\(grouped(floor)) msg/s  (ratio \(fixed(f, 3)): 4 messages, 2 seals a delivery)"))
        }
        rows.append(("latency send->stored", "p50 \(fixed(p50Micros, 1)) us  p99 \(fixed(p99Micros, 1)) us  p99.9 \(fixed(p999Micros, 1)) us  max \(fixed(maxMicros, 1)) us"))
        if let p50 = cpuP50Micros, let p99 = cpuP99Micros {
            rows.append(("CPU send->stored", "p50 \(fixed(p50, 1)) us  p99 \(fixed(p99, 1)) us  (the simulator thread's own)"))
        }
        if let p50 = rawP50Micros, let p99 = rawP99Micros {
            rows.append(("raw latency", "p50 \(fixed(p50, 1)) us  p99 \(fixed(p99, 1)) us"))
        }
        if let p50 = floorP50Micros, let p99 = floorP99Micros {
            rows.append(("floor's latency", "p50 \(fixed(p50, 1)) us  p99 \(fixed(p99, 1)) us"))
        }
        rows.append(("peak RSS", "\(mib(peakResidentBytes)) MiB"))
        if let heap = setupHeapBytes {
            rows.append(("heap of the network", "\(mib(heap)) MiB, \(kib(heap / options.peers)) KiB a peer"))
        }
        if let rawHeap = rawSetupHeapBytes, let over = overheadPerPeer {
            rows.append(("  of which libzmq", "\(mib(rawHeap)) MiB; beyond it \(kib(over)) KiB a peer"))
        }
        rows.append(("RSS of the network", "\(mib(setupResidentBytes)) MiB, \(kib(residentPerPeer)) KiB a peer"))
        if let rawBytes = rawSetupResidentBytes, let over = residentOverheadPerPeer {
            rows.append(("  of which libzmq", "\(mib(rawBytes)) MiB; beyond it \(kib(over)) KiB a peer"))
        }
        if let seed = seedWayMessagesPerSecond, let vs = vsSeed {
            rows.append(("the seed's way", "\(grouped(seed)) msg/s  (engine \(fixed(vs, 1))x)"))
        }
        if let t = transactions { rows.append(("commits", "\(t)")) }
        if let t = checkpointTransactions { rows.append(("database transactions", "\(t)")) }
        if let c = checkpointSeconds { rows.append(("last checkpoint", "\(fixed(c, 2)) s")) }
        rows.append(("verified", verification))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}

private func number(_ x: Double, digits: Int = 1) -> String { x.isFinite ? fixed(x, digits) : "null" }

/// JSON string literal, as the trace's JSON Lines write it.
private func quoted(_ s: String) -> String { TraceFormatter.jsonString(s) }

/// `x` with `digits` decimals, without Foundation's locale-dependent formatting.
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "nan" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let negative = x < 0
    let n = (abs(x) * scale).rounded()
    guard n < 9e18 else { return String(x) }
    let whole = UInt64(n) / UInt64(scale), frac = UInt64(n) % UInt64(scale)
    var s = (negative ? "-" : "") + String(whole)
    if digits > 0 {
        let f = String(frac)
        s += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return s
}

private func grouped(_ x: Double) -> String {
    let digits = Array(String(UInt64(max(0, x.rounded()))))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out += "," }
        out.append(d)
    }
    return out
}

private func mib(_ bytes: Int) -> String { fixed(Double(bytes) / 1_048_576, 1) }
private func kib(_ bytes: Int) -> String { fixed(Double(bytes) / 1024, 1) }
