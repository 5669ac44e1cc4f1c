/// Why a host network could not be made, changed or removed.
public struct HostNetworkError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
