import Foundation

/// The names a host network gives its namespaces: `confchat-PID-K-hub` for the bridge and
/// `confchat-PID-K-hI` for host I, where PID is the owning process and K counts the networks
/// that process made. The owner's pid in every name is what lets a later run find the
/// leftovers of one that was killed (SIGKILL leaves no chance to clean up) and remove them
/// once that pid is gone.
///
/// Interfaces live inside these namespaces only (the root namespace gets nothing), so their
/// names are short and fixed and always fit IFNAMSIZ: `br0` and `hI` in the hub, `eth0` in a host.
struct HostNames: Hashable, Sendable {
    static let prefix = "confchat-"

    let owner: Int32
    let serial: Int

    /// This run's id, the prefix of each of its namespaces.
    var run: String { "\(Self.prefix)\(owner)-\(serial)" }
    var hub: String { run + "-hub" }
    func host(_ index: Int) -> String { "\(run)-h\(index)" }

    /// The bridge in the hub, and the hub's end of host I's veth pair.
    static let bridge = "br0"
    static func hubEnd(_ index: Int) -> String { "h\(index)" }
    /// The host's end of its veth pair, inside the host.
    static let hostEnd = "eth0"

    /// The owner and serial of a namespace named by some run, or nil for a name that is not one of ours.
    static func parse(_ namespace: String) -> HostNames? {
        guard namespace.hasPrefix(prefix) else { return nil }
        let parts = namespace.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let owner = Int32(parts[0]), let serial = Int(parts[1]),
              parts[2] == "hub" || (parts[2].hasPrefix("h") && Int(parts[2].dropFirst()) != nil)
        else { return nil }
        return HostNames(owner: owner, serial: serial)
    }
}
