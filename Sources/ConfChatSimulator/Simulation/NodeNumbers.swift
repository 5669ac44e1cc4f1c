import Glibc

/// The simulator's node names and their numbers (`SimNetwork.NodeID`), found by name without
/// `String`'s hashing.
///
/// Every message a peer sends names its receiver, and `SimNetwork.send` found its number in a
/// `[String: Int]`: `String` hashes with SipHash over its Unicode-normalized octets and
/// compares two equal strings of separate storage through its general comparison, about 290
/// instructions a look-up, more than 700 a delivered message (docs/performance.md). Names
/// are ASCII (`PeerName`), so octets say equality; this table hashes them with FNV-1a and
/// compares them with `memcmp`, in open addressing over an array of numbers.
struct NodeNumbers {
    /// Every name given a number, at its number.
    private(set) var names: [String] = []
    /// The hash table: a name's number plus one in the slot its hash leads to (or after,
    /// probing linearly), 0 in an empty slot. Never more than half full.
    private var slots = [Int32](repeating: 0, count: 16)

    /// The number of `name`, nil if it has none.
    func number(of name: String) -> Int? {
        let mask = slots.count - 1
        var i = Self.hash(name) & mask
        while slots[i] != 0 {
            let n = Int(slots[i]) - 1
            if Self.sameOctets(names[n], name) { return n }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Gives `name`, which has no number yet, the next one, and returns it.
    mutating func add(_ name: String) -> Int {
        let n = names.count
        names.append(name)
        if names.count * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            for (k, known) in names.enumerated() { place(known, k) }
        } else {
            place(name, n)
        }
        return n
    }

    private mutating func place(_ name: String, _ n: Int) {
        let mask = slots.count - 1
        var i = Self.hash(name) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(n + 1)
    }

    /// FNV-1a of the name's UTF-8: seeded by nothing, so the same on every run (the table's
    /// order is never seen outside it anyway).
    private static func hash(_ s: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        if done == nil { for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        return Int(truncatingIfNeeded: h ^ h >> 32)
    }

    /// Whether two strings have the same UTF-8 octets: for the simulator's ASCII names and
    /// endpoints, equality, at a `memcmp` (`==` on two equal strings of separate storage took
    /// `String`'s general comparison, about 100 instructions).
    static func sameOctets(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        guard x.count == y.count else { return false }
        let same = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in p.isEmpty || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 }
        }
        return (same ?? nil) ?? x.elementsEqual(y)
    }
}
