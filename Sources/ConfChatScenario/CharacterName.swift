/// How a character is named in an error message: as itself when it can be seen, else by its
/// code point and Unicode name, so a NUL, a byte order mark or a bidi override is never
/// echoed raw to the terminal and a look-alike letter (`с`, U+0441 CYRILLIC SMALL LETTER ES,
/// in `aliсe`) can be told from the one it imitates.
public enum CharacterName {
    /// `'a'` for printable ASCII; `'с' (U+0441 CYRILLIC SMALL LETTER ES)` for other visible
    /// characters; `U+0000 (NUL)` or `U+FEFF (ZERO WIDTH NO-BREAK SPACE)` for invisible ones.
    static func describe(_ character: Character) -> String {
        let scalars = Array(character.unicodeScalars)
        if scalars.count == 1, let scalar = scalars.first, scalar.isASCII, !isInvisible(scalar) {
            return "'\(character)'"
        }
        let named = scalars.map { "\(code($0)) \(name($0))" }.joined(separator: ", ")
        return scalars.contains(where: isInvisible) ? named : "'\(character)' (\(named))"
    }

    /// `U+0441`: at least four hex digits, upper case, as Unicode writes code points.
    static func code(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The scalar's Unicode name; control characters have none, so they get their
    /// traditional abbreviation (`NUL`, `ESC`) or `a control character`.
    static func name(_ scalar: Unicode.Scalar) -> String {
        if let name = scalar.properties.name { return scalar.value == 0xFEFF ? name + ", a byte order mark" : name }
        if scalar.value < 0x20 { return c0Names[Int(scalar.value)] }
        if scalar.value == 0x7F { return "DEL" }
        return "a control character"
    }

    /// True for what a terminal would not show as a glyph of its own: controls, format
    /// characters (zero-width spaces and joiners, bidi controls, the byte order mark),
    /// separators, private-use and unassigned code points. The one classification of the
    /// project: diagnostics show these as stand-ins, the prompt's `TerminalText` as escapes.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse: true
        default: false
        }
    }

    /// A line as it may be shown in a terminal: every character that holds an invisible
    /// scalar (tabs aside) becomes one visible stand-in (`␀` for NUL, `�` otherwise), so
    /// columns and the caret under them stay where they were.
    static func visible(_ line: String) -> String {
        var out = ""
        for character in line {
            let scalars = character.unicodeScalars
            guard character != "\t", scalars.contains(where: isInvisible) else {
                out.append(character)
                continue
            }
            if scalars.count == 1, let scalar = scalars.first, scalar.value < 0x20 {
                out.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value)!)
            } else if scalars.count == 1, scalars.first?.value == 0x7F {
                out.append("\u{2421}")
            } else {
                out.append("\u{FFFD}")
            }
        }
        return out
    }

    private static let c0Names = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
        "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
    ]
}
