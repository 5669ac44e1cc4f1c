import ConfChatCore
import ConfChatScenario

/// What `confchat bench` needs from the simulator beyond what scenarios use. Bench only.
///
/// `command(_:_:)` settles the network after every command, which is right for a scenario
/// line and wrong for a load test: here sends are issued in batches and the network settles
/// once a batch. `GroupCommit` adds the disk store's group commit.
extension Simulator {
    /// The peers, by the given names, for issuing commands without a name look-up.
    func benchPeers(_ names: [String]) throws -> [SimPeer] { try names.map { try peer($0) } }

    /// Runs a command that completes at once (a `send`, a `send-group`) without letting the
    /// network settle. Returns why it was refused, or nil. Its messages wait in flight until
    /// `settle()` (or `GroupCommit.settle`).
    func issue(_ p: SimPeer, _ command: PeerCommand, commit: GroupCommit? = nil) throws -> CommandFailure? {
        guard p.isUp else { return CommandFailure("\(p.name) is crashed") }
        let id = nextCommand
        nextCommand += 1
        p.crypto.starting(command)
        if let commit { try commit.deliver(self, p, .command(id, command)) } else { try deliver(p, .command(id, command)) }
        guard let result = completions.removeValue(forKey: id) else {
            return CommandFailure("\(command) did not complete at once")
        }
        p.crypto.finished(succeeded: result == nil)
        return result
    }
}
