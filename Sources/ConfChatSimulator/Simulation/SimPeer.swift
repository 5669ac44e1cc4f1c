import ConfChatCore
import ConfChatCrypto
import ConfChatDriver
import ConfChatStorage
import Foundation

/// One virtual peer of a simulation: its data directory and store survive a crash; its
/// machine (all in-memory state) and its sockets do not.
package final class SimPeer {
    let name: String
    let directory: String?
    /// Runs the peer's machine: commits its writes to `store`, sends through `crypto`.
    let driver: NodeDriver<PeerMachine>
    var store: any PeerStore {
        didSet { driver.store = store.driven }
    }
    package var endpoint: String?
    /// Bumped by every crash and wipe, so timers of an earlier life are ignored.
    var incarnation = 0
    /// Seals mail and encrypts backups on the way to the registry, opens them on the way back.
    package let crypto: PeerCryptoLayer

    init(name: String, directory: String?, store: any PeerStore, crypto: PeerCryptoLayer, driver: NodeDriver<PeerMachine>) {
        self.name = name
        self.directory = directory
        self.store = store
        self.crypto = crypto
        self.driver = driver
    }

    /// The machine: nil while the peer is crashed.
    package var machine: PeerMachine? {
        get { driver.machine }
        set { driver.machine = newValue }
    }

    package var isUp: Bool { driver.isUp }
}
