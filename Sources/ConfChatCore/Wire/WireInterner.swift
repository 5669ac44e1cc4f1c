/// Endpoints and public keys as decoded once, handed out again to every later decoding of
/// the same value: what a simulation passes `WireCodec.decode` so that its nodes share them.
///
/// Every friend of a peer, and the registry, keep that peer's endpoint and key (its
/// `FriendInfo`, its REGISTER and LOGIN, its HELLO), each decoded from a frame of its own:
/// ten friends held ten copies of each, about 1.3 KB a peer in a 1,000-peer simulation
/// (`docs/performance.md`, "Memory a peer"). The values are the same; only their storage is
/// shared, so nothing a node does can tell. Bounded by the values a run has seen (an
/// endpoint a node binds, a key a node has); a standalone process decodes without one.
public final class WireInterner {
    private var strings: Set<String> = []
    private var byteStrings: Set<[UInt8]> = []

    public init() {}

    /// `text` itself the first time, the instance kept then on every later call. ASCII only:
    /// `String` equality is canonical equivalence, and another spelling of the same text must
    /// keep its own octets.
    func intern(_ text: String) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        return strings.insert(text).memberAfterInsert  // the kept instance if there was one: one look-up
    }

    func intern(_ bytes: [UInt8]) -> [UInt8] {
        return byteStrings.insert(bytes).memberAfterInsert
    }
}
