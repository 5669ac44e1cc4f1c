/// A place in a scenario file: `FILE:LINE:COL`.
///
/// Every statement and every diagnostic carries one, so a failure report can point the
/// user at the exact line and column that caused it, also inside included files.
///
/// - `file` is the path as the user gave it for the top-level file, and for an included
///   file the include path joined to the including file's folder and cleaned up
///   (`a/./b/../c.scenario` becomes `a/c.scenario`). It is meant for people, not for
///   identity checks.
/// - `line` and `column` are 1-based. Columns count Unicode characters (Swift
///   `Character`s, i.e. what a reader sees as one character), not bytes, so a caret under
///   a line with `👋` in it still lands on the right token.
/// - Line and column 0 mean "the file as a whole", e.g. a path that does not exist.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL`, the form editors and terminals turn into a link.
    public var description: String { "\(file):\(line):\(column)" }
}
