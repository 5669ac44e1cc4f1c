import CZMQ

extension ZMQSocket {
    /// Ends the connections made to `endpoint` (every one of them: libzmq disconnects by
    /// endpoint); with linger 0, what waits to be sent on them is dropped. Nothing to end
    /// (`ENOENT`) is not an error.
    public func disconnect(_ endpoint: String) {
        _ = endpoint.withCString { zmq_disconnect(rawHandle, $0) }
    }

    /// Lets libzmq finish what it began for this socket on its I/O thread. A disconnected
    /// connection's socket is closed only once the socket's own thread has acknowledged the
    /// end of its pipe, which libzmq does inside a call on the socket: a socket that is never
    /// read (an outbox) must be given such a call, or what it disconnected stays open until
    /// its next send.
    public func processCommands() {
        var events: Int32 = 0
        var size = MemoryLayout<Int32>.size
        _ = zmq_getsockopt(rawHandle, ZMQ_EVENTS, &events, &size)
    }
}
