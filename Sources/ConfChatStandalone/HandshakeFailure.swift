import CZMQ
import Foundation

/// Why a CURVE handshake with an endpoint failed, as far as libzmq's socket monitor tells the
/// side that connects, and how to say it without claiming more than that.
///
/// The monitor tells three cases apart. The server refused the key (`AUTH`, with the ZAP
/// status), or one side sent what the protocol does not allow (`PROTOCOL`, with libzmq's
/// code); or the connection ended before the handshake finished (`NO_DETAIL`, with the
/// errno). That last one is what a server that does not hold the expected key causes (it
/// cannot open the client's HELLO and closes the connection), and equally what a proxy or a
/// partition that cuts the connection causes: from the client's side the two are the same
/// event, "Broken pipe" (measured with pyzmq against both). What tells them apart is history:
/// a key that already passed a handshake with that endpoint in this run is not the cause.
struct HandshakeFailure: Equatable {
    enum Cause: Equatable {
        /// The server refused this node's key (ZAP status, e.g. 400).
        case refused(status: UInt32)
        /// A handshake command broke the protocol (libzmq's `ZMQ_PROTOCOL_ERROR_*` code).
        case protocolError(code: UInt32)
        /// The connection ended during the handshake (errno).
        case cut(errno: UInt32)
    }

    var cause: Cause
    /// Whether a handshake with the same endpoint succeeded earlier in this run.
    var succeededBefore: Bool

    /// The failure a monitor event reports, or nil for an event that is no failure.
    init?(event: Int32, value: UInt32, succeededBefore: Bool) {
        switch event {
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: cause = .refused(status: value)
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: cause = .protocolError(code: value)
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: cause = .cut(errno: value)
        default: return nil
        }
        self.succeededBefore = succeededBefore
    }

    /// The log line: what failed with `whose` ("the registry at tcp://...") and what that
    /// says about the key.
    func logLine(_ whose: String) -> String {
        switch cause {
        case let .refused(status):
            return "\(whose) refused this peer's key in the CURVE handshake (ZAP status \(status))"
        case let .protocolError(code):
            return "the CURVE handshake with \(whose) broke the protocol (\(Self.protocolText(code)))"
        case let .cut(errno):
            let why = String(cString: strerror(Int32(bitPattern: errno)))
            return succeededBefore
                ? "the connection to \(whose) ended during the CURVE handshake (\(why)); a handshake with it succeeded before, so the key is not the cause: the network or something on the way cut it"
                : "the connection to \(whose) ended during the CURVE handshake (\(why)) and none has succeeded yet: either it does not hold the key this peer was given for it, or the network or something on the way cuts the connection (the two look the same from here)"
        }
    }

    /// Why an unanswered request to the registry at `endpoint` met no answer, as far as this
    /// failure tells ("the registry did not answer ...: " and this).
    func unansweredReason(_ endpoint: String) -> String {
        switch cause {
        case .refused, .protocolError:
            return logLine("the registry at \(endpoint)")
        case .cut:
            return succeededBefore
                ? "the connection to \(endpoint) ends during the CURVE handshake, which succeeded before: the network or something on the way cuts it"
                : "the CURVE handshake with \(endpoint) never finishes (the connection ends during it): the registry there is not the one whose key was given (--registry-key-file), or the network or something on the way cuts the connection"
        }
    }

    /// libzmq's protocol error codes that a CURVE client meets, in words.
    private static func protocolText(_ code: UInt32) -> String {
        let hex = "code 0x" + String(code, radix: 16)
        switch Int32(bitPattern: code) {
        case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: return "\(hex): a handshake command did not decrypt, so one side does not hold the key the other expects"
        case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: return "\(hex): the other side does not speak CURVE"
        default: return hex
        }
    }
}
