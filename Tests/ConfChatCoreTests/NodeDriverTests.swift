import ConfChatCore
import ConfChatDriver
import Testing

/// The node driver's rules, on a machine small enough to see them: writes are committed in
/// one transaction a batch, before anything else is carried out; a crash armed for a batch
/// stops it after the step asked; a send the transport did not take is reported, never lost
/// in silence.
@Suite("Node driver")
struct NodeDriverTests {
    /// For each input n: write n, send LOGOUT(req: n) to the registry, then note n.
    struct Counter: DrivenMachine {
        enum Effect { case write(Int), send(Int), note(Int) }
        mutating func handle(_ n: Int, now: SimInstant, into effects: inout [Effect]) {
            effects.append(contentsOf: [.write(n), .send(n), .note(n)])
        }
        static func kind(of e: Effect) -> EffectKind {
            switch e {
            case .write: .write
            case .send: .send
            case .note: .other
            }
        }
        static func withMutation(of e: Effect, _ body: (Int) throws -> Void) rethrows {
            if case let .write(n) = e { try body(n) }
        }
        static func withMessage(of e: Effect, _ body: (Address, WireMessage) throws -> Void) rethrows {
            if case let .send(n) = e { try body(.registry, .logout(req: UInt32(n))) }
        }
    }

    /// What the node did, in order: transactions, sends, other effects, unsent messages.
    final class Log: NodeStore, Transport {
        var lines: [String] = []
        var outcome = SendOutcome.sent
        func apply(_ mutations: [Int]) throws { lines.append("commit \(mutations)") }
        func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome {
            if case let .logout(req) = message { lines.append("send \(req)") }
            return outcome
        }
    }

    func driver(_ log: Log) -> NodeDriver<Counter> {
        NodeDriver(name: "n", machine: Counter(), store: log, transport: log,
                   perform: { if case let .note(n) = $0 { log.lines.append("note \(n)") } },
                   unsent: { _, m, outcome in log.lines.append("unsent \(m.kind.name): \(outcome)") })
    }

    @Test("a batch of inputs is one transaction, committed before anything it caused")
    func groupCommit() throws {
        let log = Log()
        let d = driver(log)
        d.handle(1, now: .zero)
        d.handle(2, now: .zero)
        #expect(log.lines == [])
        #expect(d.hasPending)
        #expect(try d.commit() == nil)
        #expect(log.lines == ["commit [1, 2]", "send 1", "note 1", "send 2", "note 2"])
        #expect(d.transactions == 1)
        #expect(!d.hasPending)
    }

    @Test("an armed crash stops the batch after the step asked, and only that batch", arguments: 0...3)
    func armedCrash(after: Int) throws {
        let log = Log()
        let d = driver(log)
        d.armCrash(afterSteps: after)
        let crash = try d.run(1, now: .zero)
        #expect(crash?.step == after)
        #expect(crash?.steps == 3)
        #expect(log.lines == Array(["commit [1]", "send 1", "note 1"].prefix(after)))
        log.lines = []
        #expect(try d.run(2, now: .zero) == nil)
        #expect(log.lines == ["commit [2]", "send 2", "note 2"])
    }

    @Test("an input handled while a batch is carried out starts the next batch")
    func inputDuringCommit() throws {
        let log = Log()
        var d: NodeDriver<Counter>!
        d = NodeDriver(name: "n", machine: Counter(), store: log, transport: log,
                       perform: { if case let .note(n) = $0 { log.lines.append("note \(n)"); if n == 1 { d.handle(5, now: .zero) } } })
        d.handle(1, now: .zero)
        d.handle(2, now: .zero)
        try d.commit()
        #expect(log.lines == ["commit [1, 2]", "send 1", "note 1", "send 2", "note 2"])
        #expect(d.hasPending)
        log.lines = []
        try d.commit()
        #expect(log.lines == ["commit [5]", "send 5", "note 5"])
        #expect(!d.hasPending)
    }

    @Test("a message the transport did not take is reported with the reason")
    func unsentIsReported() throws {
        let log = Log()
        log.outcome = .withheld(reason: "no key for bob")
        let d = driver(log)
        try d.run(1, now: .zero)
        #expect(log.lines == ["commit [1]", "send 1", "unsent LOGOUT: withheld(reason: \"no key for bob\")", "note 1"])
    }

    /// For input n: write n, a message nobody waits on to the registry (LOGOUT 10n), a
    /// message to bob (LOGOUT 10n+1), note n; and for an odd n, then a message to the
    /// registry (LOGOUT 10n+2).
    struct Backups: DrivenMachine {
        enum Effect { case write(Int), late(UInt32), toBob(UInt32), toRegistry(UInt32), note(Int) }
        mutating func handle(_ n: Int, now: SimInstant, into effects: inout [Effect]) {
            let r = UInt32(10 * n)
            effects.append(contentsOf: [.write(n), .late(r), .toBob(r + 1), .note(n)])
            if n % 2 == 1 { effects.append(.toRegistry(r + 2)) }
        }
        static func kind(of e: Effect) -> EffectKind {
            switch e {
            case .write: .write
            case .late: .sendLast
            case .toBob, .toRegistry: .send
            case .note: .other
            }
        }
        static func withMutation(of e: Effect, _ body: (Int) throws -> Void) rethrows {
            if case let .write(n) = e { try body(n) }
        }
        static func withMessage(of e: Effect, _ body: (Address, WireMessage) throws -> Void) rethrows {
            switch e {
            case let .late(r): try body(.registry, .logout(req: r))
            case let .toBob(r): try body(.peer(name: "bob", endpoint: "inproc://bob"), .logout(req: r))
            case let .toRegistry(r): try body(.registry, .logout(req: r))
            case .write, .note: break
            }
        }
    }

    func backupsDriver(_ log: Log) -> NodeDriver<Backups> {
        NodeDriver(name: "n", machine: Backups(), store: log, transport: log,
                   perform: { if case let .note(n) = $0 { log.lines.append("note \(n)") } })
    }

    @Test("a message nobody waits on leaves after the rest of the batch, or just before the batch's next message to the same address",
          arguments: [
              ([2, 4], ["commit [2, 4]", "send 21", "note 2", "send 41", "note 4", "send 20", "send 40"]),
              // 20 and 10 wait; the registry's 12 takes them along, first, in their order.
              ([2, 1], ["commit [2, 1]", "send 21", "note 2", "send 11", "note 1", "send 20", "send 10", "send 12"]),
          ])
    func sendLastOrder(inputs: [Int], expected: [String]) throws {
        let log = Log()
        let d = backupsDriver(log)
        for n in inputs { d.handle(n, now: .zero) }
        try d.commit()
        #expect(log.lines == expected)
    }

    @Test("an armed crash counts steps in the order they are carried out", arguments: 0...4)
    func sendLastCrash(after: Int) throws {
        let log = Log()
        let d = backupsDriver(log)
        let crash = try d.run(2, now: .zero)
        #expect(crash == nil)
        log.lines = []
        d.armCrash(afterSteps: after)
        let stopped = try d.run(4, now: .zero)
        #expect(stopped?.step == after)
        #expect(stopped?.steps == 4)
        #expect(log.lines == Array(["commit [4]", "send 41", "note 4", "send 40"].prefix(after)))
    }

    @Test("a group commit in two halves: the staged writes are not written again, and a write handled after the stage goes before anything is released")
    func stageThenRelease() throws {
        let log = Log()
        let d = driver(log)
        d.handle(1, now: .zero)
        try d.stage()
        #expect(log.lines == ["commit [1]"])
        d.handle(2, now: .zero)
        try d.release()
        #expect(log.lines == ["commit [1]", "commit [2]", "send 1", "note 1", "send 2", "note 2"])
        #expect(d.transactions == 2)
        #expect(!d.hasPending)
    }

    /// A store that knows only whole lists of mutations: the driver's writes reach it
    /// through `NodeStore.apply(count:_:)`'s default, gathered in order.
    final class ListStore: NodeStore {
        var batches: [[Int]] = []
        func apply(_ mutations: [Int]) throws { batches.append(mutations) }
    }

    @Test("a store that takes lists gets each batch's writes as one list, in order")
    func listStore() throws {
        let store = ListStore()
        let log = Log()
        let d = NodeDriver(name: "n", machine: Counter(), store: store, transport: log, perform: { _ in })
        d.handle(3, now: .zero)
        d.handle(1, now: .zero)
        try d.commit()
        try d.run(2, now: .zero)
        #expect(store.batches == [[3, 1], [2]])
        #expect(log.lines == ["send 3", "send 1", "send 2"])
    }

    @Test("a node that is down ignores its input")
    func downNodeIgnoresInput() throws {
        let log = Log()
        let d = driver(log)
        d.machine = nil
        #expect(try d.run(1, now: .zero) == nil)
        #expect(log.lines == [])
    }
}
