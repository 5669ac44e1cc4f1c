/// One request in the registry's memory (`RequestMemory`), kept as octets: the request's
/// frame and, once it was carried out, the frames it sent its client.
///
/// Kept decoded, an entry held the request (a `WireMessage`, 88 octets, and its strings) and
/// each answer (a `RegistryEffect`, 120 octets, in an array of its own): about 5 KB a peer
/// once a thousand peers had set up, of which frames save about 3 (docs/performance.md, "What
/// was changed for speed"). The codec round-trips exactly, so the octets are the messages; a
/// repeat is compared with the request by its octets, and the answers are decoded only when
/// a repeat is answered, which is rare.
struct RememberedRequest {
    let req: UInt32
    /// Tells this entry from a later one of the same client and number in the memory's queue.
    let serial: UInt64
    let at: SimInstant
    /// How many of `octets` are the request's frame.
    private let requestSize: UInt32
    /// The request's frame, then, once answered, its answers (`Answers.encode`): a count first,
    /// so an answered entry always holds more than the request, even with no answer.
    private let octets: [UInt8]

    /// `record` holds the request's frame (`requestSize` octets), then its answers if known;
    /// the entry keeps a copy of exactly that size, not the record's spare capacity.
    init(req: UInt32, record: [UInt8], requestSize: Int, serial: UInt64, at: SimInstant) {
        self.req = req
        self.requestSize = UInt32(requestSize)
        self.serial = serial
        self.at = at
        // Not `Array(record)`, nor of a slice of all of it: those share the record's buffer,
        // and its spare capacity with it, until the record is written again.
        octets = [UInt8](unsafeUninitializedCapacity: record.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: record)
        }
    }

    /// This entry, its answers now known (`record` as in `init`).
    func answered(_ record: [UInt8]) -> RememberedRequest {
        RememberedRequest(req: req, record: record, requestSize: Int(requestSize), serial: serial, at: at)
    }

    /// The request's frame.
    var request: ArraySlice<UInt8> { octets[..<Int(requestSize)] }

    /// False while its password check runs (or if its answers were not to be kept).
    var isAnswered: Bool { octets.count > Int(requestSize) }

    /// What the request sent `client`, decoded; nil if it is not answered yet, or if a frame
    /// kept does not decode (the codec's decoder refuses a few things its encoder writes, such
    /// as a reason over 4,096 octets: the client refused the first answer too).
    func answers(to client: String) -> [RegistryEffect]? {
        guard isAnswered else { return nil }
        return try? Answers.decode(octets[Int(requestSize)...], to: client)
    }
}

extension RememberedRequest {
    /// The answers of a remembered request, as octets after its frame: a count (u16), then for
    /// each a flag (0: to the registry, 1: to the client at the endpoint that follows as a short
    /// string) and its frame (u32 length, then the frame).
    enum Answers {
        /// Appends to `record` the answers among `effects` that went to `client` (the messages to
        /// be repeated if the request is); false, `record` then left as it was, if they are not to
        /// be kept. A LOGIN-REPLY is never kept (it can be large, and logging in again is
        /// harmless): a repeated login that succeeded is carried out again. Nor is a message the
        /// codec cannot encode, which no transport could have sent either.
        static func encode(_ effects: ArraySlice<RegistryEffect>, to client: String, appendingTo record: inout [UInt8],
                           frame: inout [UInt8]) -> Bool {
            var count = 0
            for e in effects {
                guard case let .send(address, m) = e, address.name == client else { continue }
                if case .loginReply = m { return false }
                count += 1
            }
            let start = record.count
            var w = ByteWriter(kind: "remembered answers", appendingTo: &record)
            defer { swap(&record, &w.bytes) }
            do {
                try w.count(count)
                for e in effects {
                    guard case let .send(address, m) = e, address.name == client else { continue }
                    switch address {
                    case .registry: w.bool(false)
                    case let .peer(_, endpoint): w.bool(true); try w.shortString(endpoint)
                    }
                    try WireCodec.encode(m, into: &frame)
                    try w.longBytes(frame)
                }
                return true
            } catch {
                w.bytes.removeSubrange(start...)
                return false
            }
        }

        /// The answers `encode` wrote, each sent to `client` again. A client's answers are
        /// addressed by the very name the request came from, so the name is not kept.
        static func decode(_ octets: ArraySlice<UInt8>, to client: String) throws(WireError) -> [RegistryEffect] {
            var r = ByteReader(Array(octets))
            var effects: [RegistryEffect] = []
            for _ in 0..<(try r.count(minElementSize: 5)) {
                let address: Address = try r.bool("to a peer") ? .peer(name: client, endpoint: try r.shortString("endpoint")) : .registry
                effects.append(.send(address, try WireCodec.decode(try r.longBytes("answer", limit: Int(UInt32.max)))))
            }
            guard r.remaining == 0 else { throw .trailingBytes(r.remaining) }
            return effects
        }
    }
}
