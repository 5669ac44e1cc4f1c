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
///
/// A client's requests are kept at a place of their own, found by the client's user number
/// where it has one (`AccountBook`: the machine looks the sender up once an input anyway), so a
/// request's look-up, remembering and expiry index arrays instead of hashing the client's name
/// three or four times (docs/performance.md, "The set-up"). A client with no number (a new
/// name's REGISTER; a standalone registry's REGISTER and LOGIN come from a connection's key) is
/// found by name. Its requests stay one client's when its name gets a number (the account
/// registered, or the name entered as the other side of a backup entry): the first look-up by
/// the number finds the place still kept by the name, and keeps it by the number from then on.
struct RequestMemory {
    /// A request's client: its name (what the transport tells), its user number if the
    /// registry's state has one for that name, and the request's number.
    struct Key {
        var client: String
        var user: Int?
        var req: UInt32
    }

    enum Lookup {
        case new
        case underWay
        case answered([RegistryEffect])
    }

    /// Whose requests a place holds.
    private enum Owner {
        case user(Int)
        case name(String)
        case none
    }

    /// One client's remembered requests, oldest first (at most `rememberedRequestsPerClient`,
    /// searched in order).
    private struct Place {
        var owner: Owner
        var requests: [RememberedRequest]
    }

    /// Every client's place; a place whose client has no request left is free for the next.
    private var places: ContiguousArray<Place> = []
    private var freePlaces: [Int32] = []
    /// The place of each client with a user number, by that number.
    private var byUser = ContactSlots<Int32>()
    /// The place of each client with none, by name.
    private var byName: [String: Int32] = [:]
    /// Requests in the order remembered: the oldest expire (or make room) first. A place whose
    /// request was forgotten, or remembered again since (a later serial), is passed over; so is
    /// one whose place has gone to another client since (serials are never reused).
    private var order = FIFOQueue<(place: Int32, serial: UInt64)>()
    private var serial: UInt64 = 0
    private(set) var count = 0
    /// The record being built (a request's frame, then its answers) and an answer's frame:
    /// kept from request to request, so that encoding allocates nothing but what is kept.
    private var record: [UInt8] = []
    private var frame: [UInt8] = []

    mutating func lookup(_ key: Key, _ message: WireMessage, now: SimInstant) -> Lookup {
        expire(now: now)
        guard let p = place(of: key), let i = places[p].requests.firstIndex(where: { $0.req == key.req }), encode(message),
              places[p].requests[i].request.elementsEqual(record) else { return .new }
        let entry = places[p].requests[i]
        guard entry.isAnswered else { return .underWay }
        guard let answers = entry.answers(to: key.client) else {
            remove(p, i)
            return .new
        }
        return .answered(answers)
    }

    /// Remembers a request just carried out, with its effects (`answers`, of which those sent
    /// to the client are kept), or under way (nil).
    mutating func remember(_ key: Key, _ message: WireMessage, answers: ArraySlice<RegistryEffect>?, now: SimInstant) {
        let p = place(of: key) ?? open(for: key)
        // What was remembered under this number goes: this request replaces it.
        if let i = places[p].requests.firstIndex(where: { $0.req == key.req }) {
            places[p].requests.remove(at: i)
            count -= 1
        }
        // A message the codec cannot encode did not come over the wire, and cannot be compared.
        guard encode(message) else {
            if places[p].requests.isEmpty { close(p) }
            return
        }
        let requestSize = record.count
        // Answers not to be kept (`Answers.encode`) leave the request under way.
        if let answers { _ = RememberedRequest.Answers.encode(answers, to: key.client, appendingTo: &record, frame: &frame) }
        serial += 1
        places[p].requests.append(RememberedRequest(req: key.req, record: record, requestSize: requestSize, serial: serial, at: now))
        order.append((Int32(p), serial))
        count += 1
        if places[p].requests.count > RegistryLimits.rememberedRequestsPerClient { remove(p, 0) }
        while count > RegistryLimits.rememberedRequests, let oldest = order.popFirst() {
            if let i = index(oldest) { remove(Int(oldest.place), i) }
        }
    }

    /// The answers of a request whose password check has run (its effects, as `remember`
    /// takes them), if it is still remembered; forgotten if they are not to be kept.
    mutating func answered(_ key: Key, _ answers: ArraySlice<RegistryEffect>) {
        guard let p = place(of: key), let i = places[p].requests.firstIndex(where: { $0.req == key.req }) else { return }
        record.removeAll(keepingCapacity: true)
        record += places[p].requests[i].request
        guard RememberedRequest.Answers.encode(answers, to: key.client, appendingTo: &record, frame: &frame) else {
            return remove(p, i)
        }
        places[p].requests[i] = places[p].requests[i].answered(record)
    }

    /// Encodes `message` into `record`; false if the codec refuses it.
    private mutating func encode(_ message: WireMessage) -> Bool {
        do { try WireCodec.encode(message, into: &record) } catch { return false }
        return true
    }

    /// The place of `key`'s client, nil if it has none. A client with a number whose requests
    /// are still kept by its name (remembered before it had one) is given them by number here.
    private mutating func place(of key: Key) -> Int? {
        guard let n = key.user else { return byName[key.client].map(Int.init) }
        if let p = byUser[n] { return Int(p) }
        guard !byName.isEmpty, let p = byName.removeValue(forKey: key.client) else { return nil }
        places[Int(p)].owner = .user(n)
        byUser[n] = p
        return Int(p)
    }

    /// A place for `key`'s client, which has none.
    private mutating func open(for key: Key) -> Int {
        let owner: Owner = if let n = key.user { .user(n) } else { .name(key.client) }
        let p: Int32
        if let free = freePlaces.popLast() {
            p = free
            places[Int(p)].owner = owner
        } else {
            p = Int32(places.count)
            places.append(Place(owner: owner, requests: []))
        }
        switch owner {
        case let .user(n): byUser[n] = p
        case let .name(name): byName[name] = p
        case .none: break
        }
        return Int(p)
    }

    /// Frees place `p`, whose client has no request left.
    private mutating func close(_ p: Int) {
        switch places[p].owner {
        case let .user(n): byUser[n] = nil
        case let .name(name): byName[name] = nil
        case .none: return
        }
        places[p] = Place(owner: .none, requests: [])
        freePlaces.append(Int32(p))
    }

    /// Where the request a place in `order` names is, nil if it is no longer remembered.
    private func index(_ queued: (place: Int32, serial: UInt64)) -> Int? {
        places[Int(queued.place)].requests.firstIndex { $0.serial == queued.serial }
    }

    /// Forgets the request at `i` of place `p`, and frees the place once it holds none.
    private mutating func remove(_ p: Int, _ i: Int) {
        count -= 1
        places[p].requests.remove(at: i)
        if places[p].requests.isEmpty { close(p) }
    }

    private mutating func expire(now: SimInstant) {
        while let oldest = order.first {
            if let i = index(oldest) {
                guard now - places[Int(oldest.place)].requests[i].at >= RegistryLimits.requestMemoryMs else { return }
                remove(Int(oldest.place), i)
            }
            order.removeFirst()
        }
    }
}
