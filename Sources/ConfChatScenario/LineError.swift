/// A problem in one line, before it is tied to a file: the column and the message.
///
/// The lexer and the statement parser only see a single line; the loader, which knows
/// the file and the line number, turns a `LineError` into a `Diagnostic`.
struct LineError: Error, Sendable, Equatable {
    var column: Int
    var message: String
    /// Further problems of the same line, reported with this one: on a `peers` line every
    /// bad name is named, not only the first.
    var others: [LineError] = []
}
