/// A value for some contacts, by contact number (`ContactBook`): the session's tables
/// (presence, what each friend acknowledged), read and written by index where they were
/// `[String: ...]` hashed by name at every message. The registry keeps its memory of who is
/// online the same way, by the numbers of its `AccountBook`.
///
/// The numbers are the durable state's, which live as long as the machine and never change
/// for a name, so a session started after any number of mutations indexes the same contacts.
/// It grows to a number when a value is first set there and reads nil beyond its end: a
/// session holds values only for the contacts it heard of, as the tables by name did.
struct ContactSlots<Value> {
    private var slots: ContiguousArray<Value?> = []

    subscript(n: Int) -> Value? {
        get { n < slots.count ? slots[n] : nil }
        set {
            if n >= slots.count {
                guard newValue != nil else { return }
                slots.append(contentsOf: repeatElement(nil, count: n + 1 - slots.count))
            }
            slots[n] = newValue
        }
    }

    /// The values of contacts 0..<`count`, nil where none is set: what a table by name
    /// (`ContactTable`) shows of them.
    func all(count: Int) -> ContiguousArray<Value?> {
        slots.count >= count ? ContiguousArray(slots[..<count]) : slots + repeatElement(nil, count: count - slots.count)
    }

    /// Changes contact `n`'s value in place, starting from `initial` where it has none.
    mutating func change<R>(_ n: Int, from initial: @autoclosure () -> Value, _ body: (inout Value) -> R) -> R {
        if n >= slots.count { slots.append(contentsOf: repeatElement(nil, count: n + 1 - slots.count)) }
        if slots[n] == nil { slots[n] = initial() }
        return body(&slots[n]!)
    }
}
