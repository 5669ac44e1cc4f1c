/// How a `NameNumbers` table hashes and compares its names.
///
/// A table keyed by names that a remote party chooses (an account's, a backup entry's other
/// side, a contact's) must hash them with a seed of the process's own (`SeededNames`): with
/// an unseeded hash, such as FNV, anyone can compute in advance names that all fall in one
/// slot, and each of them then costs a probe past all the others (hash flooding, a look-up
/// in proportion to the table). An unseeded hash is only for names the program itself
/// gives (the simulator's nodes, `OctetNames`).
public protocol NameKeying {
    static func hash(_ name: String) -> Int
    static func same(_ a: String, _ b: String) -> Bool
}
