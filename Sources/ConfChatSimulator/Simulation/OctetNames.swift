import Glibc
import ConfChatCore

/// The simulator's keying of its nodes' names (`SimNetwork`, a `NameNumbers` table): FNV-1a
/// of the UTF-8 octets, compared with `memcmp`.
///
/// Every message a peer sends names its receiver, and `SimNetwork.send` found its number in a
/// `[String: Int]`: `String` hashes with SipHash over its Unicode-normalized octets and
/// compares two equal strings of separate storage through its general comparison, about 290
/// instructions a look-up, more than 700 a delivered message (docs/performance.md, item 93).
/// Names are ASCII (`PeerName`), so octets say equality.
///
/// Unseeded, so not for names a remote party chooses (`NameKeying`: hash flooding): the
/// table numbers only the nodes of the scenario being run, which the simulator names
/// itself; a name a machine sends to is looked up, never entered.
enum OctetNames: NameKeying {
    /// FNV-1a of the name's UTF-8: seeded by nothing, so the same on every run (the table's
    /// order is never seen outside it anyway).
    static func hash(_ s: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        if done == nil { for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        return Int(truncatingIfNeeded: h ^ h >> 32)
    }

    /// Whether two strings have the same UTF-8 octets: for the simulator's ASCII names and
    /// endpoints, equality, at a `memcmp` (`==` on two equal strings of separate storage took
    /// `String`'s general comparison, about 100 instructions).
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        guard x.count == y.count else { return false }
        let same = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in p.isEmpty || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 }
        }
        return (same ?? nil) ?? x.elementsEqual(y)
    }
}
