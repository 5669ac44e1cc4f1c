/// The contacts a peer's state refers to, each by a number, and what the state keeps of each
/// (its conversation, its endpoint if a friend) in arrays at that number: the machine looks a
/// name up once, at the edge of an input (the sender of a message, the recipient of a
/// `send`), and indexes arrays after that; so does its session (`ContactSlots`).
///
/// Every message handled used to look its contact's name up in `[String: Conversation]` and
/// `[String: String]` several times over (is it a friend, the last seq held, the store, the
/// cumulative ack, the ack's write, its endpoint): each a hash of the name and a comparison of
/// strings (docs/performance.md, "Where the time goes").
///
/// A contact gets the next number the first time the state refers to it and keeps it for the
/// life of this value (`NameNumbers`, which the registry's `AccountBook` numbers its users
/// with too; this book adds its own arrays). Numbers are not durable, and need not be: nothing
/// outside the machine sees them (the mutations, the store, the wire and the trace keep names), and a state loaded from
/// a store numbers its contacts afresh, in the order the load applies its rows, which is the
/// same for the same stored data. So numbers are not part of the state's value either: two
/// books holding the same conversations are equal however they were numbered.
///
/// Bound: one number a name the state held a conversation with or a friendship, or the machine
/// took a message from, in this value's life; all come only from friends, fellow group members
/// and the registry (what a stranger sends is refused before its name is entered here).
public struct ContactBook: Hashable, Sendable {
    private var ids = NameNumbers<SeededNames>()
    /// Conversations by contact number; nil for a contact with none (yet).
    private(set) var conversations: ContiguousArray<Conversation?> = []
    /// Each friend's endpoint, as it last announced it, by contact number; nil for a contact
    /// who is not a friend.
    private(set) var endpoints: ContiguousArray<String?> = []

    public init() {}

    /// The number of `name`, nil if the state never referred to it.
    public func number(of name: String) -> Int? { ids.number(of: name) }

    /// The number of `name`, a new one if it had none.
    mutating func enter(_ name: String) -> Int {
        let (n, isNew) = ids.enter(name)
        if isNew {
            conversations.append(nil)
            endpoints.append(nil)
        }
        return n
    }

    /// Changes the conversation with contact `n` in place, starting an empty one if there was
    /// none. In place matters: a conversation taken out and written back would share its
    /// history's buffers, so each append would copy the whole history.
    mutating func change<R>(_ n: Int, _ body: (inout Conversation) -> R) -> R {
        Self.change(&conversations[n], body)
    }

    /// `change` on the array's element, through its `_modify`: asking `conversations[n] == nil`
    /// read the element through the array's getter, a copy of the conversation a write.
    private static func change<R>(_ slot: inout Conversation?, _ body: (inout Conversation) -> R) -> R {
        if case .none = slot { slot = Conversation() }
        return body(&slot!)
    }

    /// Hands `read` the conversation with contact `n` as it lies in the array (through its
    /// buffer: the array's subscript returns a copy), nil if there is none.
    func readConversation<R>(_ n: Int, _ read: (Conversation?) -> R) -> R {
        precondition(conversations.indices.contains(n), "no contact number \(n)")  // the buffer's own check is debug-only
        return conversations.withUnsafeBufferPointer { read($0[n]) }
    }

    /// Friend `n`'s endpoint, nil if `n` is not a friend.
    func endpoint(_ n: Int) -> String? { endpoints[n] }

    /// Makes contact `n` a friend at `endpoint`, or (nil) no longer a friend.
    mutating func setEndpoint(_ n: Int, _ endpoint: String?) { endpoints[n] = endpoint }

    /// Friends and their endpoints by name.
    public var friendTable: ContactTable<String> { ContactTable(ids: ids, slots: endpoints) }

    /// The conversations by name: what the stores, the prompt, the expectations and the tests read.
    public var conversationTable: ContactTable<Conversation> {
        ContactTable(ids: ids, slots: conversations)
    }

    public static func == (a: ContactBook, b: ContactBook) -> Bool {
        a.conversationTable == b.conversationTable && a.friendTable == b.friendTable
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(conversationTable)
        hasher.combine(friendTable)
    }
}
