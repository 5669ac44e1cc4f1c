/// One lexical unit of a scenario line, with the columns it spans.
///
/// Tokens keep their columns because every later error (a bad name, an undeclared peer,
/// trailing garbage) must point at the token that caused it.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Letters, digits and `_ - . : @ /`: names, verbs, passwords, durations.
        case word
        /// A `"..."` string; `text` holds the value with escapes decoded.
        case string
        /// `|`, which separates partition groups.
        case pipe
        /// `!`, which turns an action into a refusal check.
        case bang
    }

    var kind: Kind
    /// The word itself, or a string's decoded value, or `|` / `!`.
    var text: String
    /// 1-based column of the token's first character.
    var column: Int
    /// Column just past the token's last character.
    var endColumn: Int

    /// How the token reads in an error message: words and symbols in single quotes,
    /// strings as a quoted string.
    var quoted: String {
        kind == .string ? "quoted string \"\(text)\"" : "'\(text)'"
    }
}
