/// The ZeroMQ transport a whole run uses, chosen by the `transport` directive.
///
/// The raw values are the words the language accepts, so `TransportKind(rawValue:)` is
/// the parser for both the directive and the command line's `--transport`.
public enum TransportKind: String, Sendable, CaseIterable {
    case inproc, ipc, tcp
}
