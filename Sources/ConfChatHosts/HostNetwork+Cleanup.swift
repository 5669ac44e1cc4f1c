import Foundation

extension HostNetwork {
    /// Removes the namespaces of runs whose owning process is gone (killed before it could
    /// clean up) and returns their names. A run whose owner lives is left alone.
    public static func removeStale(privileges: HostPrivileges = .system) throws -> [String] {
        try removeStale(ip: privileges.check())
    }

    static func removeStale(ip: IPCommand) throws -> [String] {
        let mine = getpid()
        var removed: [String] = []
        var seen: Set<HostNames> = []
        for namespace in try ip.namespaces() {
            guard let run = HostNames.parse(namespace), run.owner != mine, !isAlive(run.owner), seen.insert(run).inserted
            else { continue }
            removed += remove(run: run, ip: ip)
        }
        return removed.sorted()
    }

    /// Kills the processes in each namespace of `run`, then deletes the namespaces; returns their names.
    /// Best effort: a namespace that will not go is left for the next sweep, not a reason to stop.
    @discardableResult
    static func remove(run: HostNames, ip: IPCommand) -> [String] {
        let namespaces = ((try? ip.namespaces()) ?? []).filter { HostNames.parse($0) == run }
        for namespace in namespaces {
            let pids = ((try? ip.run(["netns", "pids", namespace])) ?? "").split(separator: "\n").compactMap { Int32($0) }
            for pid in pids { kill(pid, SIGKILL) }
        }
        // Hosts first, then the hub: deleting a host's namespace takes its veth pair away.
        for namespace in namespaces.sorted(by: { !$0.hasSuffix("-hub") && $1.hasSuffix("-hub") }) {
            _ = try? ip.run(["netns", "del", namespace])
        }
        return namespaces
    }

    /// Whether a process with this pid exists (EPERM means it does, owned by someone else).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
