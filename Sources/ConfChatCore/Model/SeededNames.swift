/// `String`'s own hash and equality: SipHash seeded anew for each process (by the standard
/// library; fixed only under `SWIFT_DETERMINISTIC_HASHING`), over the name's normalized
/// form, and equality up to Unicode canonical equivalence, so a table numbers names exactly
/// as a `[String: Int]` did. For the core's books, keyed by names remote parties choose
/// (`NameKeying` says why a seed), whatever octets they send: a name from the wire is any
/// valid UTF-8, not only a valid `PeerName`.
package enum SeededNames: NameKeying {
    @inlinable package static func hash(_ name: String) -> Int { name.hashValue }
    @inlinable package static func same(_ a: String, _ b: String) -> Bool { a == b }
}
