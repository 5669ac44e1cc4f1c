/// Escaping for the XML the reports write by hand (SVG, HTML, JUnit).
///
/// Trace texts can hold anything a peer sent, including bytes that are not legal in XML 1.0
/// at all (control characters, U+FFFE): those become U+FFFD, so a report always parses.
public enum XMLText {
    /// Character data: `&`, `<` and `>` escaped.
    public static func text(_ s: String) -> String { escape(s, attribute: false) }

    /// An attribute value in double quotes: quotes escaped too, and line breaks and tabs as
    /// character references so that attribute-value normalization keeps them.
    public static func attribute(_ s: String) -> String { escape(s, attribute: true) }

    /// Whether XML 1.0 allows the scalar anywhere in a document.
    public static func isLegal(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    private static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(isLegal(c) ? c : "\u{FFFD}")
            }
        }
        return out
    }
}
