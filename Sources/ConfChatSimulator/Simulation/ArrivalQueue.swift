import DequeModule
import HeapModule

/// The messages in flight, earliest first: a priority queue that is a plain FIFO while
/// elements come in order.
///
/// On a perfect network every message arrives at the instant it is sent, so each one comes
/// after all those in flight (same instant, later send order) and a heap's sifting, about
/// twenty comparisons and moves a message, buys nothing. Elements that come in order are
/// appended to a FIFO (`Deque`); one that would come before the FIFO's last (network
/// conditions: latency, duplicates) goes to a heap; the next element is the smaller of the
/// FIFO's first and the heap's least. The order taken out is exactly a heap's.
struct ArrivalQueue<Element: Comparable> {
    /// Sorted: each element is at least the one before it.
    private var inOrder = Deque<Element>()
    private var outOfOrder = Heap<Element>()

    var isEmpty: Bool { inOrder.isEmpty && outOfOrder.isEmpty }

    /// The least element, nil when empty.
    var min: Element? {
        guard let first = inOrder.first else { return outOfOrder.min }
        guard let least = outOfOrder.min, least < first else { return first }
        return least
    }

    mutating func insert(_ element: Element) {
        if let last = inOrder.last, element < last { outOfOrder.insert(element) } else { inOrder.append(element) }
    }

    /// Takes out the least element, nil when empty.
    mutating func popMin() -> Element? {
        guard let first = inOrder.first else { return outOfOrder.popMin() }
        if let least = outOfOrder.min, least < first { return outOfOrder.popMin() }
        return inOrder.removeFirst()
    }

    /// Drops every element `drop` says, keeping the others in their order.
    mutating func removeAll(where drop: (Element) -> Bool) {
        inOrder.removeAll(where: drop)
        outOfOrder = Heap(outOfOrder.unordered.filter { !drop($0) })
    }
}
