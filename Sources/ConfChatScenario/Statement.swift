/// One parsed scenario line with where it came from.
///
/// The source text travels with the parsed value so that traces and failure reports can
/// quote the line as the user wrote it (`FILE:LINE: alice send bob "hi"`) without
/// re-reading files or pretty-printing the parsed form back.
public struct Statement: Sendable, Equatable {
    /// The position of the line's first token (the `!` for a refusal check).
    public var location: SourceLocation
    /// The line's text, trimmed, without its comment.
    public var source: String
    public var kind: StatementKind

    public init(location: SourceLocation, source: String, kind: StatementKind) {
        self.location = location
        self.source = source
        self.kind = kind
    }
}
