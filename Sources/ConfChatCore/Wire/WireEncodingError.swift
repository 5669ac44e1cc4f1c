/// Why a message could not be encoded: a field longer than its length prefix can say. The
/// encoder refuses it rather than cut it, since a frame that says less than it holds would
/// decode as another message, or not at all.
public struct WireEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message kind (or what else was being encoded).
    public var kind: String
    /// What kind of field: a short string, a short byte field, a long field, a list.
    public var field: String
    public var size: Int
    public var limit: Int

    public init(kind: String, field: String, size: Int, limit: Int) {
        self.kind = kind
        self.field = field
        self.size = size
        self.limit = limit
    }

    public var description: String {
        "cannot encode \(kind): a \(field) of \(size), over the limit of \(limit) its length prefix can say"
    }
}
