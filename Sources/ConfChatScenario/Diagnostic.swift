/// One problem found while reading a scenario, with enough context to show it the way
/// compilers do:
///
/// ```
/// scenarios/chat.scenario:7:7: error: unknown verb 'sned' (expected one of: register, ...)
/// alice sned bob "hi"
///       ^
/// ```
///
/// The source line is captured when the diagnostic is made, because by the time it is
/// printed the file may have changed or, for included files, may be hard to find again.
public struct Diagnostic: Error, Sendable, Hashable {
    public var location: SourceLocation
    public var message: String
    /// The whole line as it is in the file (comments and indentation included, no line
    /// break); empty for diagnostics about a file as a whole.
    public var sourceLine: String

    public init(location: SourceLocation, message: String, sourceLine: String) {
        self.location = location
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `FILE:LINE:COL: error: MESSAGE`, then the source line, then a caret under the column.
    ///
    /// The caret line copies the tabs of the source line's prefix so the caret stays
    /// under the token in a terminal even in tab-indented files; with no tabs it is just
    /// `column - 1` spaces. A diagnostic about a whole file (line 0) has no source line,
    /// so it renders as the first line only.
    ///
    /// The source line, and the message that may quote it, are shown as a terminal can show
    /// them: invisible characters (NUL, a byte order mark, bidi controls, a zero-width joiner
    /// hidden in a word) each become one visible stand-in, and a line longer
    /// than `shownWidth` characters is cut to the part around the column, with `…` where
    /// text was left out (a 100 KB message is not echoed whole).
    public func rendered() -> String {
        let header = "\(location): error: \(CharacterName.visible(message))"
        guard location.line > 0 else { return header }
        var shown = Array(CharacterName.visible(sourceLine))
        var column = location.column
        if shown.count > Self.shownWidth {
            let start = max(0, min(column - 1 - Self.shownWidth / 2, shown.count - Self.shownWidth))
            let end = min(shown.count, start + Self.shownWidth)
            let lead: [Character] = start > 0 ? ["…"] : []
            shown = lead + shown[start..<end] + (end < shown.count ? ["…"] : [])
            column += lead.count - start
        }
        let prefix = shown.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        let padding = String(repeating: " ", count: max(0, column - 1 - shown.count))
        return "\(header)\n\(String(shown))\n\(prefix)\(padding)^"
    }

    /// The most characters of a source line a diagnostic shows.
    static let shownWidth = 120
}
