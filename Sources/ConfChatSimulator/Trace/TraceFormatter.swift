import ConfChatCore
import ConfChatScenario

/// Renders trace events. Text lines are aligned in columns:
///
///     0.000s  alice    -> registry  REGISTER       req=1
///     2.000s  bob      !! alice     presence       offline (silent for 5000ms)
public enum TraceFormatter {
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    private static func paint(_ s: String, _ code: String, _ on: Bool) -> String { on ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public static func text(_ e: TraceEvent, color: Bool) -> String {
        let t = pad(e.time.description, 9)
        switch e.kind {
        case let .send(from, to, kind, fields, transit):
            let line = "\(t)  \(pad(from, 9)) -> \(pad(to, 9))  \(paint(pad(kind, 22), "36", color))\(fields)"
            guard let transit else { return line }
            let copy = transit.duplicate ? "duplicate, " : ""
            let delay = transit.arrival.milliseconds - e.time.milliseconds
            return line + paint("  [\(copy)arrives \(transit.arrival), +\(delay)ms]", "2", color)
        case let .lost(from, to, kind, fields):
            return "\(t)  \(pad(from, 9)) -x \(pad(to, 9))  \(paint(pad(kind, 22), "31", color))lost: \(fields)"
        case let .drop(from, to, kind, reason):
            return "\(t)  \(pad(from, 9)) -x \(pad(to, 9))  \(paint(pad(kind, 22), "31", color))dropped: \(reason)"
        case let .reject(at, from, reason):
            return "\(t)  \(pad(from, 9)) -> \(pad(at, 9))  \(paint(pad("REJECTED", 22), "31", color))\(reason)"
        case let .deliver(peer, from, seq, text, group):
            let label = group.map { "delivered #\($0)" } ?? "delivered"
            return "\(t)  \(pad(peer, 9)) <= \(pad(from, 9))  \(paint(pad(label, 22), "32", color))seq=\(seq) \(quote(text))"
        case let .presence(peer, friend, online, reason):
            let state = online ? "online" : "offline"
            return "\(t)  \(pad(peer, 9)) sees \(pad(friend, 7))  \(paint(pad(state, 22), online ? "32" : "33", color))(\(reason))"
        case let .fault(fault):
            return "\(t)  \(paint("** \(fault)", "35;1", color))"
        case let .note(node, text):
            return "\(t)  \(pad(node, 9))    \(paint(text, "2", color))"
        case let .statement(location, source):
            return paint("\(t)  == \(source)    [\(location)]", "1", color)
        case let .outcome(location, ok, detail):
            return "\(t)  \(paint(ok ? "ok" : "FAILED", ok ? "32" : "31;1", color)) \(detail)  [\(location)]"
        }
    }

    public static func json(_ e: TraceEvent) -> String {
        var fields: [(String, String)] = [("t_ms", String(e.time.milliseconds))]
        func s(_ k: String, _ v: String) { fields.append((k, jsonString(v))) }
        switch e.kind {
        case let .send(from, to, kind, f, transit):
            s("event", "send"); s("from", from); s("to", to); s("kind", kind); s("fields", f)
            if let transit {
                fields.append(("arrival_ms", String(transit.arrival.milliseconds)))
                if transit.duplicate { fields.append(("duplicate", "true")) }
            }
        case let .lost(from, to, kind, f): s("event", "lost"); s("from", from); s("to", to); s("kind", kind); s("fields", f)
        case let .drop(from, to, kind, reason): s("event", "drop"); s("from", from); s("to", to); s("kind", kind); s("reason", reason)
        case let .reject(at, from, reason): s("event", "reject"); s("at", at); s("from", from); s("reason", reason)
        case let .deliver(peer, from, seq, text, group):
            s("event", "deliver"); s("peer", peer); s("from", from); fields.append(("seq", String(seq))); s("text", text)
            if let group { s("group", group) }
        case let .presence(peer, friend, online, reason):
            s("event", "presence"); s("peer", peer); s("friend", friend); fields.append(("online", String(online))); s("reason", reason)
        case let .fault(fault): s("event", "fault"); s("text", fault.description)
        case let .note(node, text): s("event", "note"); s("node", node); s("text", text)
        case let .statement(location, source): s("event", "statement"); s("location", location); s("source", source)
        case let .outcome(location, ok, detail): s("event", "outcome"); s("location", location); fields.append(("ok", String(ok))); s("detail", detail)
        }
        return "{" + fields.map { "\(jsonString($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A message text as the scenario language writes it: quoted, with escapes.
    public static func quote(_ text: String) -> String { ScenarioText.quote(text) }

    package static func jsonString(_ v: String) -> String {
        var out = "\""
        for ch in v.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 {
                    let hex = String(ch.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    /// The key fields of a message, for the trace: ids, sequence numbers, text.
    public static func fields(_ m: WireMessage) -> String {
        func body(_ b: [UInt8]) -> String { quote(String(decoding: b, as: UTF8.self)) }
        switch m {
        case let .register(req, _, _, _, _): return "req=\(req)"
        case let .login(req, _, _, _, wantBackup, _): return "req=\(req)" + (wantBackup ? " backup" : "")
        case let .logout(req): return "req=\(req)"
        case let .friendRequest(req, to): return "req=\(req) to=\(to)"
        case let .friendAnswer(req, to, accept): return "req=\(req) to=\(to) \(accept ? "accept" : "decline")"
        case let .unfriend(req, other): return "req=\(req) other=\(other)"
        // Mail bodies are sealed to the recipient: the registry (and the trace) see only their size.
        case let .deposit(to, seq, b, _): return "to=\(to) seq=\(seq) sealed(\(b.count)B)"
        case let .mailboxAck(from, upTo): return "from=\(from) upto=\(upTo)"
        case let .mailFetch(after, seq): return after.isEmpty ? "from the start" : "after=\(after)#\(seq)"
        case let .mailDrop(from, seq): return "\(from)#\(seq)"
        case let .mailPage(waiting, items):
            return (items.map { "\($0.from)#\($0.seq)" } + ["waiting=\(waiting.items)"]).joined(separator: " ")
        case let .depositRefused(to, seq, reason): return "to=\(to) seq=\(seq) (\(reason))"
        case let .backup(e): return "\(e.outgoing ? "to" : "from")=\(e.peer) seq=\(e.seq)"
        case let .backups(entries): return entries.map { "\($0.outgoing ? "to" : "from")=\($0.peer)#\($0.seq)" }.joined(separator: " ")
        case .ping, .heartbeat, .bye: return ""
        case let .reply(req, error): return "req=\(req) " + (error.map { "error: \($0)" } ?? "ok")
        case let .loginReply(req, s):
            return "req=\(req) friends=\(s.friends.count) requests=\(s.requests.count) mail=\(s.mailbox.count) backup=\(s.backup.count)"
                + (s.mailWaiting.items > 0 ? " waiting=\(s.mailWaiting.items)" : "")
                + (s.backupWaiting.entries > 0 ? " backup-waiting=\(s.backupWaiting.entries)" : "")
        case let .backupFetch(req, from): return "req=\(req) from=\(from)"
        case let .backupPage(req, waiting, entries):
            return "req=\(req) backup=\(entries.count) next=\(waiting.next) waiting=\(waiting.entries)"
        case let .friendRequestNotice(from): return "from=\(from)"
        case let .friendAdded(f): return "name=\(f.name) \(f.online ? "online" : "offline")"
        case let .friendRemoved(name): return "name=\(name)"
        case let .depositAck(to, seq), let .mailReturned(to, seq): return "to=\(to) seq=\(seq)"
        case let .mailbox(items): return items.map { "\($0.from)#\($0.seq)" + ($0.group.map { "@\($0)" } ?? "") }.joined(separator: " ")
        case let .pong(known, _): return known ? "known" : "unknown"
        case let .hello(_, ack, sent, isReply): return "ack=\(ack) sent=\(sent)" + (isReply ? " reply" : "")
        case let .history(first, items): return "seq=\(first)..\(first + UInt64(items.count) - 1)"
        case let .chat(seq, b, _): return "seq=\(seq) \(body(b))"
        case let .chatAck(upTo): return "upto=\(upTo)"
        case let .createGroup(req, g), let .joinGroup(req, g), let .leaveGroup(req, g), let .destroyGroup(req, g): return "req=\(req) group=\(g)"
        case let .invite(req, g, m): return "req=\(req) group=\(g) member=\(m)"
        case let .groupDeposit(to, seq, g, b, _): return "to=\(to) seq=\(seq) group=\(g) sealed(\(b.count)B)"
        case let .groupInvite(g, owner): return "group=\(g) owner=\(owner)"
        case let .groupUpdate(info): return "group=\(info.name) members=\(info.members.map(\.name).joined(separator: ","))"
        case let .groupRemoved(g, reason): return "group=\(g) (\(reason))"
        case let .groupChat(seq, g, b, _): return "seq=\(seq) group=\(g) \(body(b))"
        case let .skip(seq): return "seq=\(seq)"
        }
    }
}
