/// Cuts one direction of a ZMTP 3 byte stream (ZeroMQ over tcp, rfc.zeromq.org 23/ZMTP and
/// 26/CURVEZMQ) into the units `NetworkProxy` treats as one: the greeting's bytes, each
/// command, and each message.
///
/// The proxy acts on messages, not bytes, so a `network loss 5%` loses 5 % of the messages
/// as the simulator does. A message is a MESSAGE command (CURVE: one per frame, encrypted;
/// the node's messages are one frame each on the wire) or, without a security mechanism,
/// the data frames up to one without MORE. Every other command (READY, HELLO, WELCOME,
/// INITIATE, PING, ERROR ...) passes unchanged: losing one would only stall a handshake.
///
/// The greeting is passed through as it arrives, byte by byte if need be: libzmq sends
/// its first 11 bytes and waits for the other side's before sending the rest, so holding
/// them until all 64 are in would stall both sides.
///
/// Nothing here trusts the bytes: a frame longer than `maxFrame` or a stream that is not
/// ZMTP 3 is an error (the proxy then closes the connection), and at most one frame is
/// held while it is incomplete.
struct ZMTPFramer {
    enum Unit: Equatable {
        /// Bytes to forward as they are, never delayed on their own account (greeting,
        /// commands other than MESSAGE).
        case control([UInt8])
        /// One whole message, which the network's conditions may delay, lose or copy.
        case message([UInt8])
    }

    struct FramingError: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    static let greetingSize = 64
    /// The largest frame body a node accepts (`WireCodec.maxFrameSize`, 8 MiB) plus room
    /// for CURVE's box and nonce.
    static let defaultMaxFrame = 8 * 1024 * 1024 + 1024

    let maxFrame: Int
    private var greetingSeen = 0
    /// Bytes of the frame being assembled (header included).
    private var partial: [UInt8] = []
    /// Data frames of a message without a mechanism, until the one without MORE.
    private var message: [UInt8] = []

    init(maxFrame: Int = Self.defaultMaxFrame) { self.maxFrame = maxFrame }

    /// Bytes held while incomplete: at most one frame and one NULL-mechanism message.
    var held: Int { partial.count + message.count }

    /// Takes the next bytes of the stream; returns the units they complete, in order.
    mutating func feed(_ bytes: ArraySlice<UInt8>) throws(FramingError) -> [Unit] {
        var units: [Unit] = []
        var rest = bytes
        if greetingSeen < Self.greetingSize {
            let take = rest.prefix(Self.greetingSize - greetingSeen)
            try checkGreeting(take, at: greetingSeen)
            greetingSeen += take.count
            rest = rest.dropFirst(take.count)
            if !take.isEmpty { units.append(.control(Array(take))) }
        }
        while !rest.isEmpty {
            let need = try frameLength()
            let take = rest.prefix(need.map { $0 - partial.count } ?? 1)
            partial += take
            rest = rest.dropFirst(take.count)
            if let length = try frameLength(), partial.count == length {
                if let unit = try complete() { units.append(unit) }
            }
        }
        return units
    }

    /// The greeting's signature (0xFF, 8 bytes, 0x7F) and major version 3 or more.
    private func checkGreeting(_ bytes: ArraySlice<UInt8>, at offset: Int) throws(FramingError) {
        for (i, byte) in zip(offset..., bytes) {
            switch i {
            case 0 where byte != 0xFF, 9 where byte & 1 != 1:
                throw FramingError(description: "not a ZMTP greeting (byte \(i) is \(byte))")
            case 10 where byte < 3:
                throw FramingError(description: "ZMTP version \(byte) (the proxy carries ZMTP 3 only)")
            default: break
            }
        }
    }

    /// The whole frame's length once its header is in, nil until then.
    private func frameLength() throws(FramingError) -> Int? {
        guard let flags = partial.first else { return nil }
        guard flags & 0xF8 == 0 else { throw FramingError(description: "frame flags \(flags) set reserved bits") }
        let long = flags & 0x02 != 0
        let headerSize = long ? 9 : 2
        guard partial.count >= headerSize else { return nil }
        var size: UInt64 = 0
        for b in partial[1..<headerSize] { size = size << 8 | UInt64(b) }
        guard size <= UInt64(maxFrame) else {
            throw FramingError(description: "a frame of \(size) bytes (the proxy holds frames of up to \(maxFrame))")
        }
        return headerSize + Int(size)
    }

    /// The unit a complete frame makes, if any (a NULL-mechanism data frame with MORE
    /// waits for the rest of its message).
    private mutating func complete() throws(FramingError) -> Unit? {
        let frame = partial
        partial = []
        let flags = frame[0]
        let body = frame[(flags & 0x02 != 0 ? 9 : 2)...]
        if flags & 0x04 != 0 {
            guard message.isEmpty else { throw FramingError(description: "a command inside a multi-frame message") }
            guard let nameLength = body.first.map(Int.init), body.count > nameLength else {
                throw FramingError(description: "a command frame too short for its name")
            }
            let name = body.dropFirst().prefix(nameLength)
            return name.elementsEqual("MESSAGE".utf8) ? .message(frame) : .control(frame)
        }
        message += frame
        guard flags & 0x01 == 0 else {
            guard message.count <= maxFrame else {
                throw FramingError(description: "a message of over \(maxFrame) bytes (the proxy holds messages of up to \(maxFrame))")
            }
            return nil
        }
        defer { message = [] }
        return .message(message)
    }
}
