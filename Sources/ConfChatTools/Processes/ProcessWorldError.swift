/// A failure of the process world itself (a node that does not start, a control channel
/// that does not answer), as opposed to a refused action.
public struct ProcessWorldError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
