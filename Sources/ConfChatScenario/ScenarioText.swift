/// Writing values back as scenario-language text: the inverse of the lexer's quoted strings
/// and words. The trace, chaos reproductions and the prompt print texts this way, so what
/// they print can be pasted into a scenario file.
public enum ScenarioText {
    /// A quoted string with the language's escapes: `\"`, `\\`, `\n`, `\t`, and `\u{...}` for
    /// other control characters. `QuotedString.decode` reads it back to the same text.
    ///
    /// A combining mark right after the opening quote or an escape, and a prepended mark
    /// right before the closing quote or an escape, are written as `\u{...}` too: raw, they
    /// would fuse with the quote or backslash into one character, and the string would no
    /// longer read back.
    public static func quote(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var escaped = scalars.map(syntaxEscape)
        var afterEscape = true  // the opening quote
        for (i, scalar) in scalars.enumerated() {
            if escaped[i] == nil, afterEscape, attaches(scalar, backward: true) { escaped[i] = unicodeEscape(scalar) }
            afterEscape = escaped[i] != nil
        }
        var beforeEscape = true  // the closing quote
        for (i, scalar) in scalars.enumerated().reversed() {
            if escaped[i] == nil, beforeEscape, attaches(scalar, backward: false) { escaped[i] = unicodeEscape(scalar) }
            beforeEscape = escaped[i] != nil
        }
        var out = "\""
        for (scalar, escape) in zip(scalars, escaped) {
            if let escape { out += escape } else { out.unicodeScalars.append(scalar) }
        }
        return out + "\""
    }

    /// The escape a scalar always needs in a quoted string, or nil.
    private static func syntaxEscape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\t": "\\t"
        default: scalar.value < 0x20 ? unicodeEscape(scalar) : nil
        }
    }

    private static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16))}"
    }

    /// Whether the scalar joins the character before it (a combining mark, a joiner) or,
    /// with `backward` false, the one after it (a prepended mark) into one grapheme.
    private static func attaches(_ scalar: Unicode.Scalar, backward: Bool) -> Bool {
        (backward ? "a" + String(scalar) : String(scalar) + "a").count == 1
    }

    /// A word when the text is one (letters, digits and `_ - . : @ /`), else quoted: how a
    /// password is written.
    public static func word(_ text: String) -> String {
        let ok = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_-.:@/".unicodeScalars.contains($0)
        }
        return ok ? text : quote(text)
    }

    /// The text cut to `limit` characters, with `…` when something was left out, and with
    /// invisible characters (NUL, bidi controls) made visible: how a statement from a file
    /// (a 60 KB message, a text with a NUL in it) is quoted in a report or a progress line.
    public static func excerpt(_ text: String, limit: Int = 120) -> String {
        let shown = CharacterName.visible(text)
        return shown.count > limit ? String(shown.prefix(limit - 1)) + "…" : shown
    }
}
