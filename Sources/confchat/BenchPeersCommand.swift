import ArgumentParser
import ConfChatTools
import Foundation

/// `confchat bench-peers`: the peers of one host of `confchat bench --hosts`, one thread each
/// (`RingPeerGroup`). Started by the bench in its hosts' namespaces, not by users: hidden.
struct BenchPeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-peers",
        abstract: "The peers of one host of `confchat bench --hosts` (started by the bench).",
        shouldDisplay: false)

    @Option(help: "This group's host number (names its files in --folder).")
    var host: Int

    @Option(help: "The ring positions of this group's peers, comma-separated (peer pI for position I).")
    var indices: String

    @Option(help: "Peers in the whole ring.")
    var total: Int

    @Option(help: "Messages each peer sends to the next.")
    var messages: Int

    @Option(name: .customLong("interval-ms"), help: "Milliseconds between two sends of one peer.")
    var intervalMs: Int

    @Option(help: "The registry's endpoint.")
    var registry: String

    @Option(name: .customLong("registry-key-file"), help: "The registry's public key file.")
    var registryKeyFile: String

    @Option(name: .customLong("bind-address"), help: "The address every peer of the group binds (any free port).")
    var bindAddress: String

    @Option(help: "The bench's folder: data directories, barrier and result files.")
    var folder: String

    @Option(name: .customLong("sign-ins"), help: "How many of this group's peers may register or log in at once.")
    var signIns = 8

    func validate() throws {
        let list = indices.split(separator: ",")
        if list.isEmpty || list.contains(where: { Int($0).map { !(0..<total).contains($0) } ?? true }) {
            throw ValidationError("--indices: ring positions from 0 to \(total - 1), comma-separated")
        }
        if list.count > RingPeerGroup.maxPeers { throw ValidationError("at most \(RingPeerGroup.maxPeers) peers a group") }
        if signIns < 1 { throw ValidationError("--sign-ins must be at least 1") }
        if messages < 1 || intervalMs < 0 { throw ValidationError("--messages must be at least 1 and --interval-ms at least 0") }
    }

    func run() throws {
        _ = FileDescriptorBudget.raiseLimit()
        do {
            try RingPeerGroup.run(host: host, indices: indices.split(separator: ",").compactMap { Int($0) }, total: total,
                                  messages: messages, intervalMs: intervalMs, registry: registry,
                                  registryKeyFile: registryKeyFile, bindAddress: bindAddress, folder: folder, signIns: signIns)
        } catch {
            Console.error("bench-peers: \(error)")
            throw ExitCode(1)
        }
    }
}
