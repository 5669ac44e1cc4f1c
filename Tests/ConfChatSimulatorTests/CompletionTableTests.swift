@testable import ConfChatSimulator
import ConfChatCore
import Testing

/// `CompletionTable` keeps the latest answer in a slot and the rest in a dictionary: what it
/// answers must be what the `[CommandID: CommandFailure?]` it replaced answered, whatever the
/// order of answers and takes, an id answered twice included.
@Suite struct CompletionTableTests {
    @Test("answers as the dictionary did, in random orders", arguments: [UInt64(1), 2, 3])
    func asTheDictionary(seed: UInt64) {
        var table = CompletionTable()
        var model: [CommandID: CommandFailure?] = [:]
        var rng = SplitMix64(seed: seed)
        for _ in 0 ..< 20_000 {
            // Few ids, so that ids are answered twice and taken before, after or never.
            let id = CommandID(rng.next() % 12)
            switch rng.next() % 3 {
            case 0:
                let failure: CommandFailure? = rng.next() % 2 == 0 ? nil : CommandFailure("no \(rng.next() % 5)")
                table.record(id, failure)
                model[id] = failure
            case 1:
                #expect(table.isAnswered(id) == (model[id] != nil))
            default:
                #expect(table.take(id) == model.removeValue(forKey: id))
            }
        }
        for id in CommandID(0) ..< 12 { #expect(table.take(id) == model.removeValue(forKey: id)) }
    }

    @Test("one command at a time: answered, then taken")
    func oneInFlight() {
        var table = CompletionTable()
        #expect(!table.isAnswered(1))
        #expect(table.take(1) == nil)
        table.record(1, nil)
        #expect(table.isAnswered(1))
        #expect(table.take(1) == .some(nil))
        #expect(table.take(1) == nil)
        table.record(2, CommandFailure("bob is crashed"))
        table.record(3, nil)
        #expect(table.take(2) == .some(CommandFailure("bob is crashed")))
        #expect(table.take(3) == .some(nil))
        #expect(!table.isAnswered(2) && !table.isAnswered(3))
    }
}
