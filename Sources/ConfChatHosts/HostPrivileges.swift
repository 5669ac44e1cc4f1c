import Foundation

/// What `--hosts` needs from the machine before it touches anything: the `ip` tool, and the
/// right to make network namespaces and links (CAP_SYS_ADMIN for `ip netns add`, which
/// unshares and bind-mounts, and CAP_NET_ADMIN for links, addresses and routes; root has both).
///
/// The effective capabilities come from a reader, so the refusal is tested without dropping
/// root: a test hands in the mask a user without them would have.
public struct HostPrivileges: Sendable {
    /// CAP_NET_ADMIN's bit in a capability mask (linux/capability.h).
    public static let netAdmin = 12
    /// CAP_SYS_ADMIN's bit.
    public static let sysAdmin = 21

    /// Returns the effective capability mask of this process, or nil when unknown.
    public let effectiveCapabilities: @Sendable () -> UInt64?
    /// Returns the `ip` tool's path, or nil when it is not installed.
    let locateIP: @Sendable () -> IPCommand?

    public init(effectiveCapabilities: @escaping @Sendable () -> UInt64?, ipPath: @escaping @Sendable () -> String?) {
        self.effectiveCapabilities = effectiveCapabilities
        self.locateIP = { ipPath().map(IPCommand.init(path:)) }
    }

    /// This process: CapEff from /proc/self/status, `ip` from PATH.
    public static let system = HostPrivileges(
        effectiveCapabilities: { parseCapEff(try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) },
        ipPath: { IPCommand.locate()?.path })

    /// The CapEff line of a /proc/PID/status text, as a mask.
    static func parseCapEff(_ status: String?) -> UInt64? {
        guard let line = status?.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }) else { return nil }
        return UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
    }

    /// Throws the error `check()` does when something is missing: for a command that refuses
    /// `--hosts` at once, before it starts anything.
    public func verify() throws { _ = try check() }

    /// The `ip` tool when everything needed is there; otherwise an error that says what is missing and how to get it.
    func check() throws -> IPCommand {
        var missing: [String] = []
        let mask = effectiveCapabilities() ?? 0
        let lacking = [("CAP_NET_ADMIN", Self.netAdmin), ("CAP_SYS_ADMIN", Self.sysAdmin)]
            .filter { mask & (1 << UInt64($0.1)) == 0 }.map(\.0)
        if !lacking.isEmpty {
            missing.append("the capabilities \(lacking.joined(separator: " and ")) (run as root, e.g. with sudo, "
                + "or in a container with --cap-add=NET_ADMIN --cap-add=SYS_ADMIN)")
        }
        let ip = locateIP()
        if ip == nil { missing.append("the `ip` tool of iproute2 (scripts/install-deps.sh installs it)") }
        guard let ip, missing.isEmpty else {
            throw HostNetworkError("several hosts on one machine (network namespaces) need "
                + missing.joined(separator: ", and ") + "; nothing was changed")
        }
        return ip
    }
}
