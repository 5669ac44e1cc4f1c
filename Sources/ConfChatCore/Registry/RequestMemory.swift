/// The requests the registry carried out lately, so that a repeat (a peer sending a request
/// again because the request or its answer was lost) is answered again, never carried out
/// twice: a repeated REGISTER does not find its own account "taken", a repeated FRIEND-ANSWER
/// does not find its request gone.
///
/// A repeat is the same client, the same `req` and the same message. The content counts too:
/// a peer numbers its requests from 1 again after a restart, and a new request under an old
/// number is a new request. Memory only, bounded in time and in number
/// (`RegistryLimits.requestMemoryMs`, `rememberedRequests`, `rememberedRequestsPerClient`).
struct RequestMemory {
    struct Key: Hashable {
        var client: String
        var req: UInt32
    }

    struct Entry {
        var request: WireMessage
        /// What the registry sent the client in answer; nil while a password check runs.
        var answers: [RegistryEffect]?
        var at: SimInstant
        /// Tells this entry from a later one under the same key in the queues below.
        var serial: UInt64
    }

    enum Lookup {
        case new
        case underWay
        case answered([RegistryEffect])
    }

    private var entries: [Key: Entry] = [:]
    /// Keys in the order remembered: the oldest expire (or make room) first.
    private var order = FIFOQueue<(key: Key, serial: UInt64)>()
    /// Each client's remembered requests, oldest first (at most `rememberedRequestsPerClient`).
    private var perClient: [String: [(req: UInt32, serial: UInt64)]] = [:]
    private var serial: UInt64 = 0

    var count: Int { entries.count }

    mutating func lookup(_ key: Key, _ message: WireMessage, now: SimInstant) -> Lookup {
        expire(now: now)
        guard let e = entries[key], e.request == message else { return .new }
        return e.answers.map(Lookup.answered) ?? .underWay
    }

    /// Remembers a request just carried out (`answers`), or under way (nil).
    mutating func remember(_ key: Key, _ message: WireMessage, answers: [RegistryEffect]?, now: SimInstant) {
        forget(key)
        serial += 1
        entries[key] = Entry(request: message, answers: answers, at: now, serial: serial)
        order.append((key, serial))
        perClient[key.client, default: []].append((key.req, serial))
        if let mine = perClient[key.client], mine.count > RegistryLimits.rememberedRequestsPerClient, let oldest = mine.first {
            forget(Key(client: key.client, req: oldest.req))
        }
        while entries.count > RegistryLimits.rememberedRequests {
            compact()
            guard let oldest = order.popFirst() else { break }
            forget(oldest.key)
        }
    }

    /// The answers of a request whose password check has run, if it is still remembered.
    mutating func answered(_ key: Key, _ answers: [RegistryEffect]) {
        guard entries[key] != nil else { return }
        entries[key]!.answers = answers
    }

    mutating func forget(_ key: Key) {
        guard entries.removeValue(forKey: key) != nil else { return }
        perClient[key.client]?.removeAll { $0.req == key.req }
        if perClient[key.client]?.isEmpty == true { perClient[key.client] = nil }
    }

    private mutating func expire(now: SimInstant) {
        while let oldest = order.first {
            if let e = entries[oldest.key], e.serial == oldest.serial {
                guard now - e.at >= RegistryLimits.requestMemoryMs else { return }
                forget(oldest.key)
            }
            order.removeFirst()
        }
    }

    /// Drops queue places whose entries are gone (forgotten, or remembered again later).
    private mutating func compact() {
        while let oldest = order.first, entries[oldest.key]?.serial != oldest.serial { order.removeFirst() }
    }
}
