import ConfChatCore
import Foundation

/// One virtual peer of a simulation: its data directory and store survive a crash; its
/// machine (all in-memory state) and its sockets do not.
final class SimPeer {
    let name: String
    let directory: String?
    var store: any PeerStore
    var machine: PeerMachine?
    var endpoint: String?
    /// Bumped by every crash and wipe, so timers of an earlier life are ignored.
    var incarnation = 0

    init(name: String, directory: String?, store: any PeerStore) {
        self.name = name
        self.directory = directory
        self.store = store
    }

    var isUp: Bool { machine != nil }
}
