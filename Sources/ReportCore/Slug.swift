/// Slugs for programs and safe path segments for campaign ids.
public enum Slug {
    /// `Weekly Newsletter!` → `weekly-newsletter`.
    public static func make(_ text: String) -> String {
        var out = ""
        var dash = false
        for scalar in text.lowercased().unicodeScalars {
            let mapped: Unicode.Scalar? = switch scalar {
            case "å", "ä", "á", "à", "â": "a"
            case "ö", "ó", "ò", "ô", "ø": "o"
            case "é", "è", "ê", "ë": "e"
            case "ü", "ú", "ù", "û": "u"
            case "í", "ì", "î", "ï": "i"
            default: scalar
            }
            if let m = mapped, (m >= "a" && m <= "z") || (m >= "0" && m <= "9") {
                if dash && !out.isEmpty { out.append("-") }
                dash = false
                out.unicodeScalars.append(m)
            } else {
                dash = true
            }
        }
        return out.isEmpty ? "program" : out
    }

    public static func isValid(_ slug: String) -> Bool {
        !slug.isEmpty && make(slug) == slug
    }

    /// A file-name-safe folder name for a campaign id. Ids that are already safe are used as they are;
    /// others are slugged and given a short hash of the id, so two ids never share a folder.
    public static func pathSegment(forID id: String) -> String {
        let safe = !id.isEmpty && !id.hasPrefix(".") && id.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" || $0 == "."
        }
        if safe && id.count <= 120 { return id }
        var hash: UInt32 = 2166136261
        for b in id.utf8 {
            hash ^= UInt32(b)
            hash = hash &* 16777619
        }
        let hex = String(hash, radix: 16)
        return String(make(id).prefix(80)) + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
