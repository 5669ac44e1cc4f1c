import ConfChatCore
import ConfChatDriver

/// A standalone node's sends over its `NodeSockets`: each address resolved to the endpoint
/// to connect to and the key its server must prove it holds (CURVE). An address the node
/// knows no key for is withheld: the machine's retries send it again once the key is known.
final class SocketTransport: Transport {
    private let sockets: NodeSockets
    /// The endpoint and server key of an address, if the node knows them; set by the host
    /// once its machine exists.
    var resolve: (Address) -> (endpoint: String, key: [UInt8])? = { _ in nil }
    /// Sees each message about to go out to a resolved address (the registry logs answers).
    var willSend: (Address, WireMessage) -> Void = { _, _ in }

    init(_ sockets: NodeSockets) { self.sockets = sockets }

    func send(_ message: WireMessage, from node: String, to address: Address) -> SendOutcome {
        guard let (endpoint, key) = resolve(address), !key.isEmpty else {
            return .withheld(reason: "no key for \(address.name) yet")
        }
        willSend(address, message)
        let payload: [UInt8]
        do { payload = try WireCodec.encode(message) } catch { return .dropped(reason: "\(error)") }
        if let error = sockets.send(to: endpoint, serverKey: key, payload) {
            return .dropped(reason: "\(error)")
        }
        return .sent
    }

    /// A log line for a message that was not sent.
    static func describe(_ address: Address, _ message: WireMessage, _ outcome: SendOutcome) -> String {
        switch outcome {
        case .sent: "sent \(message.kind.name) to \(address.name)"
        case let .dropped(reason): "could not send \(message.kind.name) to \(address.name): \(reason)"
        case let .withheld(reason): "\(message.kind.name) to \(address.name) not sent: \(reason)"
        }
    }
}
