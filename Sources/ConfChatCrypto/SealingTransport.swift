import ConfChatCore
import ConfChatDriver

/// A peer's sends on their way to the wire: sealed or encrypted by its `PeerCryptoLayer`,
/// then handed to the transport underneath. A message the layer cannot seal is withheld,
/// and the driver hears why (`SendOutcome.withheld`).
package final class SealingTransport: Transport {
    private let crypto: PeerCryptoLayer
    private let next: any Transport
    /// A user's public key, as this peer knows it.
    private let keyOf: (String) -> [UInt8]?

    package init(crypto: PeerCryptoLayer, next: any Transport, keyOf: @escaping (String) -> [UInt8]?) {
        self.crypto = crypto
        self.next = next
        self.keyOf = keyOf
    }

    package func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome {
        switch crypto.outbound(message, keyOf: keyOf) {
        case .unchanged: next.send(message, from: node, to: address)
        case let .ready(sealed): next.send(sealed, from: node, to: address)
        case let .withheld(why): .withheld(reason: why.description)
        }
    }
}
