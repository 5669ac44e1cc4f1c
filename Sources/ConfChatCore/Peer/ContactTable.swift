/// What a peer holds of each contact, read by name: a view of an array kept by contact number
/// (`ContactBook`; the registry's accounts, mailboxes, backups and who is online by user
/// number, `AccountBook`, read the same way), for those who know contacts by name (the
/// stores, the prompt, the expectations, the chaos checks, the tests). It reads like a `[String: Value]`: a subscript by name, `keys`,
/// `values`, and iteration as (key, value) pairs, in the order the contacts were numbered
/// (callers that show or send something in order sort, as they did with a dictionary).
///
/// Equality and hashing are by name: two tables holding the same values for the same names
/// are equal however their contacts were numbered.
public struct ContactTable<Value: Hashable & Sendable>: Hashable, Sendable, Sequence {
    let ids: NameNumbers<SeededNames>
    let slots: ContiguousArray<Value?>

    public subscript(name: String) -> Value? {
        guard let n = ids.number(of: name) else { return nil }
        return slots[n]
    }

    /// The names that have a value.
    public var keys: [String] { slots.indices.compactMap { slots[$0] == nil ? nil : ids.name($0) } }
    public var values: [Value] { slots.compactMap { $0 } }
    public var count: Int { slots.reduce(0) { $1 == nil ? $0 : $0 + 1 } }
    public var isEmpty: Bool { !slots.contains { $0 != nil } }

    public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> [String: T] {
        var out: [String: T] = [:]
        for (name, value) in self { out[name] = try transform(value) }
        return out
    }

    public struct Iterator: IteratorProtocol {
        let table: ContactTable
        var index = 0

        public mutating func next() -> (key: String, value: Value)? {
            while index < table.slots.count {
                defer { index += 1 }
                if let value = table.slots[index] { return (table.ids.name(index), value) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(table: self) }
    public var underestimatedCount: Int { 0 }

    public static func == (a: ContactTable, b: ContactTable) -> Bool {
        guard a.count == b.count else { return false }
        return a.allSatisfy { b[$0.key] == $0.value }
    }

    /// Independent of the order of the contacts: each entry's hash, combined by XOR (as `Set` does).
    public func hash(into hasher: inout Hasher) {
        var entries = 0
        for (name, value) in self {
            var h = Hasher()
            h.combine(name)
            h.combine(value)
            entries ^= h.finalize()
        }
        hasher.combine(count)
        hasher.combine(entries)
    }
}

extension ContactTable: ExpressibleByDictionaryLiteral {
    /// A table of its own, its contacts numbered in the order written (a later duplicate
    /// wins): what a test compares a state's table with, as it compared the dictionary.
    public init(dictionaryLiteral elements: (String, Value)...) {
        var ids = NameNumbers<SeededNames>()
        var slots: ContiguousArray<Value?> = []
        for (name, value) in elements {
            let (n, isNew) = ids.enter(name)
            if isNew { slots.append(value) } else { slots[n] = value }
        }
        self.init(ids: ids, slots: slots)
    }
}
