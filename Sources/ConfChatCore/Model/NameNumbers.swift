/// Names numbered in the order they were first entered, 0, 1, 2...: the one look-up by name of
/// a book that keeps what it holds of each name in arrays at its number (a peer's contacts,
/// `ContactBook`; the registry's users, `AccountBook`; the simulator's nodes, `SimNetwork`),
/// and of the tables read from such arrays by name (`ContactTable`). Each book adds only its
/// own arrays, one slot a number, appended when `enter` numbers a new name.
///
/// A name keeps its number for the life of this value: numbers are never reused nor taken
/// back, so a number held during an input stays valid, and an array indexed by number only
/// grows. Nothing here is durable: a book loaded from a store numbers its names afresh.
///
/// The table is open addressing over an array of numbers, its hash and its equality of
/// names a choice (`NameKeying`): the core's books are keyed by names remote parties choose
/// and take `SeededNames`, the standard library's seeded hash; the simulator keys its nodes,
/// named by the scenario it runs, by octets with an unseeded hash, cheaper (`OctetNames`,
/// docs/performance.md, item 93). The two were tables of their own (`NodeNumbers` in the
/// simulator) until one served both (item 107). Inlinable, so each book gets it specialized
/// for its keying, the simulator across the module's boundary too; public, not `package`,
/// for that: a client module neither inlines nor specializes the members of a generic type
/// declared `package` (Swift 6.3, with cross-module optimization), and its look-ups were
/// calls of the unspecialized code, through the keying's witness table.
public struct NameNumbers<Keying: NameKeying>: Sendable {
    /// Every name entered, at its number.
    @usableFromInline var names: ContiguousArray<String> = []
    /// The hash table: a name's number plus one in the slot its hash leads to (or after,
    /// probing linearly), 0 in an empty slot. Never more than half full.
    @usableFromInline var slots = ContiguousArray<Int32>(repeating: 0, count: 16)

    @inlinable package init() {}

    /// How many names are numbered: the next name gets this number.
    @inlinable package var count: Int { names.count }

    /// The number of `name`, nil if it was never entered. Inlined, as `find` is: as calls,
    /// the simulator's look-up of a receiver cost 0.2 k instructions a message more than
    /// `NodeNumbers`' had (retains and releases of the table's arrays around each call).
    @inlinable @inline(__always)
    package func number(of name: String) -> Int? {
        let slot = find(name)
        return slots[slot] == 0 ? nil : Int(slots[slot]) - 1
    }

    /// The name numbered `n`.
    @inlinable package func name(_ n: Int) -> String { names[n] }

    /// The number of `name`, and whether it is new: a new one (`count` before the call) needs
    /// a slot appended to each of the caller's arrays. Inlined: as a call of its own it cost
    /// the message path about 70 instructions a message (callgrind) over the books' own copies.
    @inlinable @inline(__always)
    package mutating func enter(_ name: String) -> (number: Int, isNew: Bool) {
        let slot = find(name)
        if slots[slot] != 0 { return (Int(slots[slot]) - 1, false) }
        let n = names.count
        names.append(name)
        if names.count * 2 > slots.count { grow() } else { slots[slot] = Int32(n + 1) }
        return (n, true)
    }

    /// The slot that holds `name`'s number, or the empty slot where it would go.
    @inlinable @inline(__always)
    func find(_ name: String) -> Int {
        let mask = slots.count - 1
        var i = Keying.hash(name) & mask
        while slots[i] != 0, !Keying.same(names[Int(slots[i]) - 1], name) { i = (i + 1) & mask }
        return i
    }

    /// Doubles the table and places every name again (rare: not inlined).
    @usableFromInline mutating func grow() {
        slots = ContiguousArray(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (n, name) in names.enumerated() {
            var i = Keying.hash(name) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(n + 1)
        }
    }
}
