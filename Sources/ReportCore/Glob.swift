/// Shell-style globs for `inputs:` paths and `campaign_programs:` patterns: `*` matches within one path
/// segment, `**` across segments, `?` one character. Matching is on Unicode scalars and case-sensitive.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        match(Array(pattern.unicodeScalars)[...], Array(text.unicodeScalars)[...])
    }

    private static func match(_ p: ArraySlice<Unicode.Scalar>, _ t: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = p.first else { return t.isEmpty }
        if first == "*" {
            let isDouble = p.dropFirst().first == "*"
            var rest = p.dropFirst(isDouble ? 2 : 1)
            // `**/` also matches zero folders.
            if isDouble, rest.first == "/" {
                if match(rest.dropFirst(), t) { return true }
                rest = p.dropFirst(2)
            }
            var i = t.startIndex
            while true {
                if match(rest, t[i...]) { return true }
                guard i < t.endIndex else { return false }
                if !isDouble && t[i] == "/" { return false }
                i += 1
            }
        }
        guard let c = t.first else { return false }
        if first == "?" { return c != "/" && match(p.dropFirst(), t.dropFirst()) }
        return first == c && match(p.dropFirst(), t.dropFirst())
    }
}
