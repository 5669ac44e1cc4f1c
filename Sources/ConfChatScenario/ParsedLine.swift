/// What the statement parser makes of one non-empty line, before the loader checks names
/// against the peers declared so far and resolves includes.
///
/// Declarations are checked by the loader, not the parser, because "declared" depends
/// on execution order across files: the same included file can be fine in one place and
/// wrong in another.
struct ParsedLine: Sendable, Equatable {
    enum Content: Sendable, Equatable {
        case statement(StatementKind)
        /// `include "path"`, with the column of the path string for errors about it.
        case include(path: String, column: Int)
    }

    /// A peer name the line uses (as actor or argument), which must already be declared.
    struct NameUse: Sendable, Equatable {
        var name: String
        var column: Int
    }

    var content: Content
    var nameUses: [NameUse]
}
