/// The requests the registry carried out lately, so that a repeat (a peer sending a request
/// again because the request or its answer was lost) is answered again, never carried out
/// twice: a repeated REGISTER does not find its own account "taken", a repeated FRIEND-ANSWER
/// does not find its request gone.
///
/// A repeat is the same client, the same `req` and the same message, octet for octet: a peer
/// numbers its requests from 1 again after a restart, and a new request under an old number
/// is a new request. Each request and its answers are kept as frames (`RememberedRequest`).
/// Memory only, bounded in time and in number (`RegistryLimits.requestMemoryMs`,
/// `rememberedRequests`, `rememberedRequestsPerClient`).
struct RequestMemory {
    struct Key {
        var client: String
        var req: UInt32
    }

    enum Lookup {
        case new
        case underWay
        case answered([RegistryEffect])
    }

    /// Each client's remembered requests, oldest first (at most `rememberedRequestsPerClient`,
    /// searched in order): one table entry a client, where a table by client and number kept a
    /// bucket a request and a second index by client beside it.
    private var clients: [String: [RememberedRequest]] = [:]
    /// Requests in the order remembered: the oldest expire (or make room) first. A place whose
    /// request was forgotten, or remembered again since (a later serial), is passed over.
    private var order = FIFOQueue<(client: String, serial: UInt64)>()
    private var serial: UInt64 = 0
    private(set) var count = 0
    /// The record being built (a request's frame, then its answers) and an answer's frame:
    /// kept from request to request, so that encoding allocates nothing but what is kept.
    private var record: [UInt8] = []
    private var frame: [UInt8] = []

    mutating func lookup(_ key: Key, _ message: WireMessage, now: SimInstant) -> Lookup {
        expire(now: now)
        guard let (c, i) = find(key.client, { $0.req == key.req }), encode(message),
              clients.values[c][i].request.elementsEqual(record) else { return .new }
        let entry = clients.values[c][i]
        guard entry.isAnswered else { return .underWay }
        guard let answers = entry.answers(to: key.client) else {
            remove(c, i)
            return .new
        }
        return .answered(answers)
    }

    /// Remembers a request just carried out, with its effects (`answers`, of which those sent
    /// to the client are kept), or under way (nil).
    mutating func remember(_ key: Key, _ message: WireMessage, answers: ArraySlice<RegistryEffect>?, now: SimInstant) {
        forget(key)
        // A message the codec cannot encode did not come over the wire, and cannot be compared.
        guard encode(message) else { return }
        let requestSize = record.count
        // Answers not to be kept (`Answers.encode`) leave the request under way.
        if let answers { _ = RememberedRequest.Answers.encode(answers, to: key.client, appendingTo: &record, frame: &frame) }
        serial += 1
        let entry = RememberedRequest(req: key.req, record: record, requestSize: requestSize, serial: serial, at: now)
        order.append((key.client, serial))
        count += 1
        let c: Dictionary<String, [RememberedRequest]>.Index
        if let found = clients.index(forKey: key.client) {
            c = found
            clients.values[c].append(entry)
        } else {
            clients[key.client] = [entry]
            c = clients.index(forKey: key.client)!
        }
        if clients.values[c].count > RegistryLimits.rememberedRequestsPerClient { remove(c, 0) }
        while count > RegistryLimits.rememberedRequests, let oldest = order.popFirst() {
            if let (c, i) = find(oldest.client, { $0.serial == oldest.serial }) { remove(c, i) }
        }
    }

    /// The answers of a request whose password check has run (its effects, as `remember`
    /// takes them), if it is still remembered; forgotten if they are not to be kept.
    mutating func answered(_ key: Key, _ answers: ArraySlice<RegistryEffect>) {
        guard let (c, i) = find(key.client, { $0.req == key.req }) else { return }
        record.removeAll(keepingCapacity: true)
        record += clients.values[c][i].request
        guard RememberedRequest.Answers.encode(answers, to: key.client, appendingTo: &record, frame: &frame) else {
            return remove(c, i)
        }
        clients.values[c][i] = clients.values[c][i].answered(record)
    }

    mutating func forget(_ key: Key) {
        if let (c, i) = find(key.client, { $0.req == key.req }) { remove(c, i) }
    }

    /// Encodes `message` into `record`; false if the codec refuses it.
    private mutating func encode(_ message: WireMessage) -> Bool {
        do { try WireCodec.encode(message, into: &record) } catch { return false }
        return true
    }

    private func find(_ client: String, _ match: (RememberedRequest) -> Bool) -> (Dictionary<String, [RememberedRequest]>.Index, Int)? {
        guard let c = clients.index(forKey: client), let i = clients.values[c].firstIndex(where: match) else { return nil }
        return (c, i)
    }

    /// Forgets the request at `i` of the client at `c`, and the client once it has none.
    private mutating func remove(_ c: Dictionary<String, [RememberedRequest]>.Index, _ i: Int) {
        count -= 1
        if clients.values[c].count == 1 { clients.remove(at: c) } else { clients.values[c].remove(at: i) }
    }

    private mutating func expire(now: SimInstant) {
        while let oldest = order.first {
            if let (c, i) = find(oldest.client, { $0.serial == oldest.serial }) {
                guard now - clients.values[c][i].at >= RegistryLimits.requestMemoryMs else { return }
                remove(c, i)
            }
            order.removeFirst()
        }
    }
}
