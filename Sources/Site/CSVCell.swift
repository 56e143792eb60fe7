/// One text cell of a CSV the tool writes (the site's downloads, the suppression export), safe to open in a
/// spreadsheet: quoted where it holds a comma, a quote or a line break (RFC 4180), and, per OWASP's advice on
/// CSV injection, prefixed with `'` where it starts with `=`, `+`, `-`, `@`, a tab or a carriage return, which
/// Excel and LibreOffice would otherwise run as a formula (`=HYPERLINK(…)`). Numbers are written by their own
/// cells and stay numbers; JSON downloads keep the text as it is.
public enum CSVCell {
    public static func text(_ s: String) -> String {
        var s = s
        if let first = s.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { s = "'" + s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
