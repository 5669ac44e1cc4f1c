import ConfChatCore

/// How each command the simulator ran ended, by its id, until its issuer takes the answer
/// (`Simulator.command`, `outcome(of:)`): nil inside `take`'s result for a success.
///
/// The latest answer lies in a slot of its own, and only an answer that comes while the slot
/// holds another's goes to the dictionary. A `send` is answered by its own input, before its
/// CHAT leaves, so its answer was a dictionary insert (the id hashed, the table probed and
/// grown now and then) on the way of every light-load message, inside its window from alice's
/// `send` to bob's `delivered` event (docs/performance.md, item 112); with one command in
/// flight, as there, the dictionary is never touched. The answers, and which one a look-up
/// finds, are the dictionary's as before: the latest recorded for an id wins.
struct CompletionTable {
    /// The latest answer recorded, nil once taken.
    private var last: (id: CommandID, failure: CommandFailure?)?
    /// Answers recorded before `last` and not yet taken.
    private var others: [CommandID: CommandFailure?] = [:]

    /// Records how command `id` ended (nil: it succeeded).
    mutating func record(_ id: CommandID, _ failure: CommandFailure?) {
        if let held = last, held.id != id { others[held.id] = held.failure }
        last = (id, failure)
    }

    /// Whether command `id` has an answer not yet taken.
    func isAnswered(_ id: CommandID) -> Bool {
        if let last, last.id == id { return true }
        return !others.isEmpty && others[id] != nil
    }

    /// Takes command `id`'s answer: nil if it has none, `.some(nil)` for a success.
    mutating func take(_ id: CommandID) -> CommandFailure?? {
        if let held = last, held.id == id {
            last = nil
            // An earlier answer for the same id, moved aside before, is older than this one.
            if !others.isEmpty { others[id] = nil }
            return .some(held.failure)
        }
        return others.isEmpty ? nil : others.removeValue(forKey: id)
    }
}
