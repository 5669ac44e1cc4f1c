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

    /// One remembered request. A class, immutable (an answer replaces the entry), so that the
    /// table's buckets hold a pointer, not the entry: a dictionary keeps about 1.6 buckets an
    /// entry, and the memory is full (10,000 entries) once a thousand peers have set up.
    final class Entry {
        let request: WireMessage
        /// What the registry sent the client in answer; nil while a password check runs.
        let answers: Answers?
        let at: SimInstant
        /// Tells this entry from a later one under the same key in the queues below.
        let serial: UInt64

        init(request: WireMessage, answers: Answers?, at: SimInstant, serial: UInt64) {
            self.request = request
            self.answers = answers
            self.at = at
            self.serial = serial
        }
    }

    /// A request's answers, most often one message: kept in the entry, not in an array of
    /// their own (an allocation an entry).
    enum Answers {
        case one(RegistryEffect)
        case list([RegistryEffect])

        init(_ effects: [RegistryEffect]) { self = effects.count == 1 ? .one(effects[0]) : .list(effects) }

        var effects: [RegistryEffect] {
            switch self {
            case let .one(e): [e]
            case let .list(list): list
            }
        }
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
        return e.answers.map { .answered($0.effects) } ?? .underWay
    }

    /// Remembers a request just carried out (`answers`), or under way (nil).
    mutating func remember(_ key: Key, _ message: WireMessage, answers: [RegistryEffect]?, now: SimInstant) {
        forget(key)
        serial += 1
        entries[key] = Entry(request: message, answers: answers.map(Answers.init), at: now, serial: serial)
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
        guard let e = entries[key] else { return }
        entries[key] = Entry(request: e.request, answers: Answers(answers), at: e.at, serial: e.serial)
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
