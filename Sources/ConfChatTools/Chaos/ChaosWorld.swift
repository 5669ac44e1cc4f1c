import ConfChatCore
import ConfChatScenario
import ConfChatSimulator

/// One chaos run's simulator and its bookkeeping: which sends were accepted, which accepted
/// messages a wipe legitimately destroyed, and the checks at the end.
///
/// Statements run exactly as `ScenarioRunner` runs them (same simulator calls, same settling),
/// so a run written out as a scenario file replays step for step under `confchat run`.
final class ChaosWorld {
    struct Message {
        var from: String
        var to: String
        var text: String
        /// The sequence number the sender gave it: how the registry's copies are recognised
        /// (their bodies may be end-to-end encrypted).
        var seq: UInt64
        /// The group it was sent to, nil for one-to-one.
        var group: String? = nil
        /// How `excused` names it: the text, which is unique in a run, and for a group
        /// message (one text, a copy for each member) the recipient too.
        var key: String { group == nil ? text : "\(text) to \(to)" }
    }

    let sim: Simulator
    private(set) var statements: [ChaosStatement] = []
    /// Why each statement was refused, nil where it succeeded.
    private(set) var refusals: [CommandFailure?] = []
    /// Accepted sends, in the order they were accepted.
    private(set) var accepted: [Message] = []
    /// Accepted messages that a wipe destroyed with their last copy (by `Message.key`), with the reason.
    private(set) var excused: [String: String] = [:]
    /// An error the simulator threw, which ends the run.
    private(set) var failure: (index: Int, error: String)?
    private(set) var steps = 0
    /// The password each peer last registered or logged in with, for the final phase.
    private(set) var passwords: [String: String] = [:]

    init(seed: UInt64, options: ChaosOptions) throws {
        sim = try Simulator(options: SimOptions(transport: options.transport, seed: seed, presenceTimeout: 5000, storage: .memory))
        sim.dedupe = options.dedupe
        sim.holdBack = options.holdBack
        sim.writesFirst = options.writesFirst
        // A chaos step moves a few hundred messages; a livelock (possible with the dedupe
        // knob off) becomes a reported simulator error instead of a hang.
        sim.settleLimit = 20_000
    }

    func shutDown() { sim.shutDown() }

    // MARK: - Running statements

    /// Runs one statement as `ScenarioRunner` would and records it. Returns why it was
    /// refused, or nil. After a simulator error (`failure`) nothing more runs.
    @discardableResult
    func run(_ s: ChaosStatement) -> CommandFailure? {
        guard failure == nil else { return CommandFailure("not run: the simulator failed earlier") }
        statements.append(s)
        steps += 1
        do {
            let refusal = try execute(s)
            refusals.append(refusal)
            return refusal
        } catch {
            refusals.append(nil)
            failure = (statements.count - 1, "\(error)")
            return CommandFailure("simulator error: \(error)")
        }
    }

    /// Advances the clock a second at a time, settling, until `converged()` or `limit`,
    /// and records it as one `wait` statement: `ScenarioRunner` advancing the whole span at
    /// once fires the same timers in the same order, settling after each.
    func waitUntilConverged(limit: Int64) {
        guard failure == nil else { return }
        var waited: Int64 = 0
        do {
            while waited < limit, try !converged() {
                try sim.advance(by: 1000)
                try sim.settle()
                waited += 1000
            }
        } catch {
            failure = (statements.count, "\(error)")
        }
        guard waited > 0 else { return }
        statements.append(.action(.wait(.milliseconds(waited))))
        refusals.append(nil)
        steps += 1
    }

    private func execute(_ s: ChaosStatement) throws -> CommandFailure? {
        switch s {
        case let .peers(names):
            try sim.declare(names)
            return nil
        case let .action(action):
            if case let .peer(p, .wipe) = action { try renumber(p) }
            let refusal = try sim.perform(action)
            if refusal != nil, case let .peer(p, .command(command)) = action, !isUp(p) {
                try acceptStored(command, by: p)
            }
            if refusal == nil {
                if case let .peer(p, .command(.register(pw))) = action { passwords[p] = pw }
                if case let .peer(p, .command(.login(pw))) = action { passwords[p] = pw }
                if case let .peer(p, .command(.send(to, text))) = action {
                    let sent = try sim.durableState(p).conversations[to]?.sent ?? []
                    let seq = sent.last(where: { $0.group == nil && $0.text == text })?.seq ?? 0
                    accepted.append(Message(from: p, to: to, text: text, seq: seq))
                }
                if case let .peer(p, .command(.group(.send(g, text)))) = action {
                    // One message for each member the sender saw in the group when it sent.
                    let state = try sim.durableState(p)
                    for member in (state.groups[g]?.members.keys.sorted() ?? []) where member != p {
                        let seq = state.conversations[member]?.sent.last(where: { $0.group == g && $0.text == text })?.seq ?? 0
                        accepted.append(Message(from: p, to: member, text: text, seq: seq, group: g))
                    }
                }
                if case let .peer(p, .wipe) = action { try excuseLost(wiped: p) }
            }
            return refusal
        }
    }

    /// A send whose sender crashed part way through it (a fault point) was never confirmed,
    /// yet if its write was committed the message is on the sender's disk and goes out once
    /// the sender is back, like any accepted one. So it is followed as accepted when (and
    /// only when) the sender's store holds it, stored or queued after a restore.
    private func acceptStored(_ command: PeerCommand, by p: String) throws {
        let state = try sim.durableState(p)
        func stored(_ to: String, _ text: String, group: String?) -> Message? {
            if let r = state.conversations[to]?.sent.last(where: { $0.group == group && $0.text == text }) {
                return Message(from: p, to: to, text: text, seq: r.seq, group: group)
            }
            let queued = state.queued[to]?.contains { $0.group == group && String(decoding: $0.body, as: UTF8.self) == text } ?? false
            return queued ? Message(from: p, to: to, text: text, seq: 0, group: group) : nil
        }
        switch command {
        case let .send(to, text):
            if let m = stored(to, text, group: nil) { accepted.append(m) }
        case let .group(.send(g, text)):
            for member in (state.groups[g]?.members.keys.sorted() ?? []) where member != p {
                if let m = stored(member, text, group: g) { accepted.append(m) }
            }
        default: break
        }
    }

    /// Takes the seq each of `sender`'s accepted messages has now: one queued after a restore
    /// had none when it was accepted, and one moved after a conflict has another. The
    /// registry's copies are recognised by seq, so the wipe rule needs the current one.
    private func renumber(_ sender: String) throws {
        let state = try sim.durableState(sender)
        for i in accepted.indices where accepted[i].from == sender {
            let m = accepted[i]
            if let r = state.conversations[m.to]?.sent.last(where: { $0.group == m.group && $0.isShown && $0.text == m.text }) {
                accepted[i].seq = r.seq
            }
        }
    }

    /// The wipe rule: an accepted message whose every copy is gone once `name`'s data
    /// directory is (not at the recipient, not in the sender's directory, stored or queued,
    /// not in the registry's backup of either side, not in the recipient's mailbox sealed to
    /// the key the recipient has now: a wipe loses the key too) is lost
    /// by the wipe itself, which no design can undo. It is no longer required to arrive; if
    /// it does anyway, it must still arrive once and in order. Group messages are judged the
    /// same way, pair by pair. Copies at the peers are recognised by text within the pair's
    /// conversation (and group), copies at the registry by (sender, recipient, seq, group).
    private func excuseLost(wiped name: String) throws {
        let registry = try sim.registryStore.load()
        struct Pair: Hashable { var peer: String, other: String, group: String? }
        var received: [Pair: Set<String>] = [:]
        var sent: [Pair: Set<String>] = [:]
        func texts(_ peer: String, _ other: String, group: String?, incoming: Bool) throws -> Set<String> {
            let key = Pair(peer: peer, other: other, group: group)
            if let t = incoming ? received[key] : sent[key] { return t }
            let state = try sim.durableState(peer)
            let c = state.conversations[other]
            var t = Set((incoming ? c?.received : c?.sent)?.filter { $0.group == group && !$0.isSkip }.map(\.text) ?? [])
            if !incoming {
                // Accepted and waiting for a seq after a restore: a copy on the sender's disk.
                t.formUnion(state.queued[other]?.filter { $0.group == group }.map { String(decoding: $0.body, as: UTF8.self) } ?? [])
            }
            if incoming { received[key] = t } else { sent[key] = t }
            return t
        }
        for m in accepted where excused[m.key] == nil && (m.from == name || m.to == name) {
            let held = try texts(m.to, m.from, group: m.group, incoming: true).contains(m.text)
                || texts(m.from, m.to, group: m.group, incoming: false).contains(m.text)
                || (m.seq != 0 && (
                    (registry.backups[m.from] ?? []).contains { $0.peer == m.to && $0.outgoing && $0.seq == m.seq && $0.group == m.group }
                    || (registry.backups[m.to] ?? []).contains { $0.peer == m.from && !$0.outgoing && $0.seq == m.seq && $0.group == m.group }
                    || (registry.mailbox[m.to] ?? []).contains {
                        $0.from == m.from && $0.seq == m.seq && $0.group == m.group && (try? sim.opens($0, for: m.to)) == true
                    }))
            if !held { excused[m.key] = "its only copy was in \(name)'s wiped data directory" }
        }
    }

    // MARK: - State the generator and the checks read

    var names: [String] { sim.peerNames }
    func isUp(_ name: String) -> Bool { sim.peers[name]?.isUp ?? false }
    func isLoggedIn(_ name: String) -> Bool { sim.peers[name]?.machine?.isLoggedIn ?? false }
    var registryIsUp: Bool { sim.registryIsUp }
    var isPartitioned: Bool { sim.network.isPartitioned }
    var networkIsPerfect: Bool { sim.network.conditions.isPerfect }
    /// Whether a fault point is armed for the node (a peer or `registry`) and has not fired.
    func isArmed(_ node: String) -> Bool { sim.faultPlans[node] != nil }
    func friends(_ name: String) -> [String] { (try? sim.durableState(name).sortedFriends) ?? [] }
    func isMember(_ name: String, of group: String) -> Bool { (try? sim.durableState(name).groups[group]) != nil }

    // MARK: - Checks

    /// Whether the network has caught up: every sender's messages are confirmed, no mailbox
    /// holds anything, and every check passes.
    func converged() throws -> Bool {
        guard failure == nil else { return true }
        let live = names.filter(isLoggedIn)
        for a in live {
            for b in friends(a) where isLoggedIn(b) { if try sim.sees(a, b) != true { return false } }
            for (_, c) in try sim.durableState(a).conversations where c.acked < c.lastSentSeq { return false }
        }
        guard try sim.registryStore.load().mailbox.values.allSatisfy(\.isEmpty) else { return false }
        return try check().isEmpty
    }

    /// Every guarantee that does not hold now, recipients' views first.
    func check() throws -> [ChaosViolation] {
        if let failure {
            let statement = failure.index < statements.count ? "\(statements[failure.index])" : "the final wait"
            return [ChaosViolation(property: .simulator, problems: [.error], subject: .simulator,
                                   details: ["\(statement): \(failure.error)"], expectation: nil)]
        }
        var out: [ChaosViolation] = []
        let all = names
        func required(_ s: String, _ r: String, group: String?) -> (order: [String], lost: Set<String>) {
            let pair = accepted.filter { $0.from == s && $0.to == r && $0.group == group }
            return (pair.map(\.text), Set(pair.filter { excused[$0.key] != nil }.map(\.text)))
        }
        for r in all {
            for s in all where s != r {
                let inGroup = required(s, r, group: Chaos.group)
                let gotInGroup = try sim.received(r, from: s, group: Chaos.group)
                if let v = sequenceViolation(.delivery, peer: r, other: s, required: inGroup, got: gotInGroup,
                                             expect: { .group(peer: r, group: Chaos.group, from: s, texts: $0) }) {
                    out.append(v)
                }
                let got = try sim.received(r, from: s)
                if let v = sequenceViolation(.delivery, peer: r, other: s, required: required(s, r, group: nil), got: got,
                                             expect: { .conversation(peer: r, with: s, texts: $0) }) {
                    out.append(v)
                }
            }
        }
        for s in all {
            for r in all where r != s {
                let got = try sim.sent(s, to: r)
                if let v = sequenceViolation(.sentHistory, peer: s, other: r, required: required(s, r, group: nil), got: got,
                                             expect: { .sent(peer: s, to: r, texts: $0) }) {
                    out.append(v)
                }
            }
        }
        let registry = try sim.registryStore.load()
        for a in all where isLoggedIn(a) {
            let want = (registry.friends[a] ?? []).sorted()
            let have = friends(a)
            if have != want {
                out.append(ChaosViolation(
                    property: .friends, problems: [.friends], subject: .peer(a),
                    details: ["holds \(list(have)), the registry says \(list(want))"],
                    expectation: .friends(peer: a, names: want)))
            }
        }
        for a in all where isLoggedIn(a) {
            for b in friends(a) where isLoggedIn(b) {
                guard try sim.sees(a, b) != true else { continue }
                out.append(ChaosViolation(
                    property: .presence, problems: [.offline], subject: .pair(peer: a, other: b),
                    details: ["both logged in, the network whole, yet \(a) sees \(b) offline"],
                    expectation: .sees(peer: a, friend: b, online: true)))
            }
        }
        return out
    }

    /// Compares what a peer holds with the accepted order: nothing twice, nothing foreign,
    /// the sender's order kept, and every message not excused present.
    private func sequenceViolation(_ property: ChaosViolation.Property, peer: String, other: String,
                                   required: (order: [String], lost: Set<String>), got: [String],
                                   expect: ([String]) -> Expectation) -> ChaosViolation? {
        var problems: [ChaosViolation.Problem] = []
        var details: [String] = []
        func note(_ p: ChaosViolation.Problem, _ d: String) {
            if !problems.contains(p) { problems.append(p) }
            details.append(d)
        }
        let (order, lost) = required
        var counts: [String: Int] = [:]
        for t in got { counts[t, default: 0] += 1 }
        let position = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for t in got where counts[t]! > 1 && position[t] != nil {
            if !details.contains(where: { $0.hasPrefix("duplicate \(ScenarioText.quote(t))") }) {
                note(.duplicate, "duplicate \(ScenarioText.quote(t)) (\(counts[t]!) copies)")
            }
        }
        for t in got where position[t] == nil { note(.unexpected, "unexpected \(ScenarioText.quote(t))") }
        var last = -1
        var seen = Set<String>()
        for t in got {
            guard let i = position[t], seen.insert(t).inserted else { continue }
            if i < last { note(.order, "out of order: \(ScenarioText.quote(t)) after \(ScenarioText.quote(order[last]))") }
            last = max(last, i)
        }
        for t in order where counts[t] == nil && !lost.contains(t) { note(.missing, "missing \(ScenarioText.quote(t))") }
        guard !problems.isEmpty else { return nil }
        let held = Set(got)
        let want = order.filter { !lost.contains($0) || held.contains($0) }
        details.append("holds " + (got.isEmpty ? "none" : got.map(ScenarioText.quote).joined(separator: " ")))
        return ChaosViolation(property: property, problems: problems, subject: .pair(peer: peer, other: other), details: details,
                              expectation: expect(want))
    }

    private func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: " ") }
}
