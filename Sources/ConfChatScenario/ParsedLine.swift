/// What the statement parser makes of one non-empty line, before the loader reports its
/// undeclared names and resolves includes.
///
/// Which peers are declared is the loader's to say, not the parser's, because it depends
/// on execution order across files: the same included file can be fine in one place and
/// wrong in another. The loader passes the parser the peers declared so far.
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
    /// The names the line uses that no earlier `peers` line declared, in the line's order:
    /// empty on a correct line, so it costs no allocation there (a list of every use, which
    /// the loader then checked, was an array made and freed a line).
    var undeclared: [NameUse]
}
