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
    /// Seals mail and encrypts backups on the way to the registry, opens them on the way back.
    let crypto: PeerCryptoLayer

    init(name: String, directory: String?, store: any PeerStore, crypto: PeerCryptoLayer) {
        self.name = name
        self.directory = directory
        self.store = store
        self.crypto = crypto
    }

    var isUp: Bool { machine != nil }
}
