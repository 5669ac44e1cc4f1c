import ConfChatConsole
import ConfChatCore
import Testing

/// The prompt shows messages in the order their deliveries were reported, also when the node
/// handled several in one batch (a standalone peer commits what one wake-up drains at once,
/// so its state holds the whole batch before the first delivery is reported).
@Suite struct MessageOrderTests {
    /// A peer whose state a test writes, and whose events it reports when it likes: a batch
    /// is stored first, then its deliveries reported one by one.
    final class BatchConsole: PeerConsole {
        let name = "alice"
        var onEvent: ((PeerEvent) -> Void)?
        var durable = PeerDurableState()

        init(friends: [String]) { for f in friends { durable.apply(.setFriend(name: f, endpoint: "inproc://\(f)")) } }

        /// Stores `records` at once, then reports the delivery of each received one, in order.
        func batch(_ records: [ChatRecord]) {
            for r in records { durable.apply(.store(r)) }
            for r in records where !r.outgoing {
                onEvent?(.delivered(from: r.peer, seq: r.seq, text: r.text, group: r.group))
            }
        }

        func run(_ command: PeerCommand) throws -> CommandFailure? { nil }
        func state() throws -> PeerDurableState { durable }
        func sees(_ friend: String) throws -> Bool? { true }
        func isLoggedIn() throws -> Bool { true }
        func pump(until fd: Int32, timeoutMs: Int) throws -> Bool { false }
        func registryAnswers() throws -> Bool? { true }
    }

    static func message(from peer: String, _ seq: UInt64, _ text: String) -> ChatRecord {
        ChatRecord(peer: peer, outgoing: false, seq: seq, body: Array(text.utf8))
    }

    @Test("two messages from bob handled in one batch show in the order they came")
    func oneBatchOneSender() {
        let console = BatchConsole(friends: ["bob"])
        var written: [String] = []
        let prompt = PeerPrompt(console: console) { written.append($0.text) }
        console.batch([Self.message(from: "bob", 1, "one"), Self.message(from: "bob", 2, "two")])
        written = []
        prompt.execute("messages bob")
        #expect(written == ["conversation with bob (2 messages):", "  bob: one", "  bob: two"])
    }

    @Test("a batch's deliveries from two friends are ordered as reported, not by name")
    func oneBatchTwoSenders() {
        let console = BatchConsole(friends: ["bob", "carol"])
        var written: [String] = []
        let prompt = PeerPrompt(console: console) { written.append($0.text) }
        console.batch([Self.message(from: "carol", 1, "first"), Self.message(from: "bob", 1, "second")])
        written = []
        prompt.execute("messages")
        // The overview lists conversations latest first: bob's message came after carol's.
        let bob = written.firstIndex { $0.contains("last: bob") }
        let carol = written.firstIndex { $0.contains("last: carol") }
        #expect(bob != nil && carol != nil && bob! < carol!, "\(written)")
    }
}
