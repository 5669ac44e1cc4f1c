import ConfChatCore

/// What a node's inbox lets the world make it hold: how many connections, from one address
/// and in all, and per connection how many messages of how many octets wait to be read.
///
/// libzmq has no cap on the connections a bound socket accepts (the open-file limit is the
/// only one), and keeps for each a CURVE engine, a receive buffer, and up to `ZMQ_RCVHWM`
/// decoded messages of up to `ZMQ_MAXMSGSIZE` octets. Anyone can open connections, with no
/// account and without finishing a handshake (libzmq gives one `ZMQ_HANDSHAKE_IVL`, 30 s),
/// so each of these needs a number: docs/protocol.md 7 lists them.
public struct InboxLimits: Sendable, Equatable {
    /// Connections held at once; one more is closed as soon as it is accepted.
    public var connections: Int
    /// Connections held at once from one IP address (an ipc inbox counts only the total).
    public var connectionsPerAddress: Int
    /// The largest frame a connection may send (`ZMQ_MAXMSGSIZE`); a bigger one closes it.
    public var frameOctets: Int
    /// Messages decoded and waiting a connection (`ZMQ_RCVHWM`); past it libzmq stops
    /// reading that connection and tcp slows its sender, nothing is lost.
    public var queuedMessages: Int

    /// The registry's (others start from it and change what they need): room for ten thousand users online, 256 of them behind one address;
    /// only requests come in, so the largest frame is the largest request
    /// (`WireCodec.maxRequestFrameSize`) sealed by CURVE; 8 messages a connection, as a
    /// peer waits for each answer and the registry reads a thousand each time it wakes.
    public static let registry = InboxLimits(connections: 10_000, connectionsPerAddress: 256,
                                             frameOctets: WireCodec.maxRequestFrameSize + curveOverhead,
                                             queuedMessages: 8)

    /// A standalone peer's. Its inbox is connected to by the registry and by each friend or
    /// fellow group member that sends it something (one connection each, two for a moment
    /// while one reconnects), so 1,024 in all is room for hundreds of active contacts; 64
    /// from one address is room for the contacts behind one NAT or one proxy (a runner's
    /// proxy, `run --processes`, connects every node of a scenario from one address) while a
    /// stranger who knows the peer's key holds at most 64 there. Frames are the protocol's
    /// largest, 8 MiB (HISTORY and LOGIN-REPLY come in here; mail and backup come in pages),
    /// sealed by CURVE; 8 messages a
    /// connection, as for the registry: a peer reads a thousand each time it wakes, and a
    /// friend's burst waits in its own send queue (tcp slows it), nothing is lost.
    public static let peer = InboxLimits(connections: 1_024, connectionsPerAddress: 64,
                                         frameOctets: WireCodec.maxFrameSize + curveOverhead,
                                         queuedMessages: 8)

    /// What CURVE adds to a message on the wire (the MESSAGE command's name, flags, nonce
    /// and MAC: 33 octets), rounded up: `ZMQ_MAXMSGSIZE` counts the frame libzmq decodes.
    public static let curveOverhead = 64
}
