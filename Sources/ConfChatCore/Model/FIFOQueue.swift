/// A first-in first-out queue with amortised O(1) `append` and `removeFirst`: an array and
/// the index of its head, compacted once the dead prefix outweighs the live part.
///
/// The core imports nothing (so it builds with a bare `swiftc`, as the fuzzers build it);
/// this is the one queue it needs.
struct FIFOQueue<Element> {
    private var items: [Element] = []
    private var head = 0

    init() {}

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }
    var first: Element? { isEmpty ? nil : items[head] }

    mutating func append(_ element: Element) { items.append(element) }

    @discardableResult
    mutating func removeFirst() -> Element {
        precondition(!isEmpty, "removeFirst on an empty queue")
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return element
    }

    mutating func popFirst() -> Element? { isEmpty ? nil : removeFirst() }
}
