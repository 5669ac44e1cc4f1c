import ConfChatScenario

/// Text from other people, made safe to print on a terminal on one line.
///
/// A message is whatever its sender typed, so it may hold characters that act on the
/// terminal or on how the line reads rather than showing as themselves:
/// - C0 and C1 controls and DEL (a newline would forge a line of its own, ESC starts an
///   escape sequence that can move the cursor or retitle the window);
/// - Unicode's invisible format characters: bidi embeddings, overrides and isolates
///   (U+202A-U+202E, U+2066-U+2069, which can make "evil" read as "live"), directional
///   marks, zero-width spaces and joiners, word joiners, the byte-order mark, soft hyphens;
/// - line and paragraph separators (U+2028, U+2029);
/// - private-use and unassigned code points, which show as nothing or as a box.
/// Each shows as an escape, as the scenario language writes it: `\n`, `\t`, `\r`,
/// `\u{202e}`. The one exception is a zero-width joiner between two emoji, which is how
/// emoji such as a family are written and cannot hide anything.
enum TerminalText {
    static func escaped(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        for (i, ch) in scalars.enumerated() {
            switch ch {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                // The project's one classification of what does not show as a glyph of its own,
                // which diagnostics use too.
                if CharacterName.isInvisible(ch) && !joinsEmoji(scalars, at: i) {
                    out += "\\u{\(String(ch.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }

    /// A zero-width joiner with an emoji on each side (👨‍👩‍👧).
    private static func joinsEmoji(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        guard scalars[i] == "\u{200D}", i > 0, i + 1 < scalars.count else { return false }
        func emoji(_ s: Unicode.Scalar) -> Bool { s.properties.isEmojiPresentation || (s.value >= 0x2600 && s.properties.isEmoji) }
        var before = i - 1
        // Skin tones and the emoji variation selector may sit between the emoji and the joiner.
        while before > 0, scalars[before] == "\u{FE0F}" || scalars[before].properties.isEmojiModifier { before -= 1 }
        return emoji(scalars[before]) && emoji(scalars[i + 1])
    }
}
