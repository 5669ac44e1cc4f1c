extension RandomAccessCollection where Index == Int {
    /// The index of the first element whose key is not below `key`, by halves: the
    /// elements must be in the order of their keys. `endIndex` when every key is below.
    ///
    /// The one binary search of a sorted array that the core and the simulator share: a
    /// conversation's records by seq (`Conversation`), a node's links by receiver
    /// (`SimNetwork.link`). Inlinable, so each caller gets it specialized for its element
    /// and key, the key read inline: the search costs what the hand-written loops did.
    @inlinable
    package func lowerBound<Key: Comparable>(of key: Key, by keyOf: (Element) -> Key) -> Int {
        var (low, high) = (startIndex, endIndex)
        while low < high {
            let middle = low + (high - low) / 2
            if keyOf(self[middle]) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
