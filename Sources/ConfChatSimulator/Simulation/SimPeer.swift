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
    /// Runs the peer's machine: commits its writes to `store`, sends through `links`, then `crypto`.
    let driver: NodeDriver<PeerMachine>
    /// Where the driver's sends go first: the backup entries wait there until the network settles.
    let links: HeldBackLinks
    var store: any PeerStore {
        didSet { driver.store = store.driven }
    }
    package var endpoint: String?
    /// Bumped by every crash and wipe, so timers of an earlier life are ignored.
    var incarnation = 0
    /// `incarnation` as a timer keeps it (`SimTimer`: 32 bits).
    var timerIncarnation: Int32 { Int32(truncatingIfNeeded: incarnation) }
    /// Seals mail and encrypts backups on the way to the registry, opens them on the way back.
    package let crypto: PeerCryptoLayer
    /// Where the peer's next key pairs come from, one a wipe: a stream of its own (the run's
    /// seed and the peer's name), so a wipe changes no other peer's keys, and a run stays a
    /// function of its seed.
    private var rekeys: SplitMix64

    init(name: String, directory: String?, store: any PeerStore, crypto: PeerCryptoLayer, driver: NodeDriver<PeerMachine>,
         links: HeldBackLinks, seed: UInt64) {
        self.name = name
        self.directory = directory
        self.store = store
        self.crypto = crypto
        self.driver = driver
        self.links = links
        self.rekeys = SplitMix64(seed: seed ^ Self.fnv1a(name))
    }

    /// A new key pair, as a standalone peer makes when its data directory (and key file) is gone.
    func rekey() {
        crypto.keys = NodeKeys.derive(from: &rekeys)
    }

    /// FNV-1a of the name's UTF-8 octets: a hash that is the same in every run (Swift's is not).
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// The machine: nil while the peer is crashed.
    package var machine: PeerMachine? {
        get { driver.machine }
        set { driver.machine = newValue }
    }

    package var isUp: Bool { driver.isUp }
}
