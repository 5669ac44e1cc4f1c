/// Names numbered in the order they were first entered, 0, 1, 2...: the one look-up by name of
/// a book that keeps what it holds of each name in arrays at its number (a peer's contacts,
/// `ContactBook`; the registry's users, `AccountBook`), and of the tables read from such arrays
/// by name (`ContactTable`). Each book adds only its own arrays, one slot a number, appended
/// when `enter` numbers a new name.
///
/// A name keeps its number for the life of this value: numbers are never reused nor taken
/// back, so a number held during an input stays valid, and an array indexed by number only
/// grows. Nothing here is durable: a book loaded from a store numbers its names afresh.
struct NameNumbers: Sendable {
    private var numbers: [String: Int] = [:]
    private var names: ContiguousArray<String> = []

    /// How many names are numbered: the next name gets this number.
    var count: Int { names.count }

    /// The number of `name`, nil if it was never entered.
    func number(of name: String) -> Int? { numbers[name] }

    /// The name numbered `n`.
    func name(_ n: Int) -> String { names[n] }

    /// The number of `name`, and whether it is new: a new one (`count` before the call) needs
    /// a slot appended to each of the caller's arrays. Inlined: as a call of its own it cost
    /// the message path about 70 instructions a message (callgrind) over the books' own copies.
    @inline(__always)
    mutating func enter(_ name: String) -> (number: Int, isNew: Bool) {
        if let n = numbers[name] { return (n, false) }
        let n = names.count
        numbers[name] = n
        names.append(name)
        return (n, true)
    }
}
