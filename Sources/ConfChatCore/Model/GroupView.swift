/// A peer's view of one group it belongs to: the owner and the members with their endpoints.
public struct GroupView: Hashable, Sendable {
    public var owner: String
    public var members: [String: String]

    public init(owner: String, members: [String: String]) {
        self.owner = owner
        self.members = members
    }

    public init(_ info: GroupInfo) {
        self.init(owner: info.owner, members: Dictionary(info.members.map { ($0.name, $0.endpoint) }, uniquingKeysWith: { a, _ in a }))
    }
}
