/// Writing values back as scenario-language text: the inverse of the lexer's quoted strings
/// and words. The trace, chaos reproductions and the prompt print texts this way, so what
/// they print can be pasted into a scenario file.
public enum ScenarioText {
    /// A quoted string with the language's escapes: `\"`, `\\`, `\n`, `\t`, and `\u{...}` for
    /// other control characters.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for ch in text.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
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
