/// Who can reach whom under `partition A B | C D`: nodes in different groups cannot
/// exchange messages; nodes in no group reach everyone. Shared by the simulator's network
/// and the proxy of `run --processes`, so both cut the same pairs.
package struct Partition: Equatable, Sendable {
    private var side: [String: Int] = [:]

    /// No cut: everyone reaches everyone.
    package init() {}

    package init(_ groups: [[String]]) {
        for (i, g) in groups.enumerated() { for n in g { side[n] = i } }
    }

    package var isEmpty: Bool { side.isEmpty }

    package func blocked(_ a: String, _ b: String) -> Bool {
        guard let x = side[a], let y = side[b] else { return false }
        return x != y
    }
}
