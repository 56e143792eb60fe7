/// Mailbox providers by the recipient's domain (`metrics.md`, *Mailbox providers*).
public enum MailboxProvider: Int, Sendable, CaseIterable, Comparable, Codable {
    case gmail, microsoft, yahoo, apple, gmxWebde, other

    public var key: String {
        switch self {
        case .gmail: return "gmail"
        case .microsoft: return "microsoft"
        case .yahoo: return "yahoo"
        case .apple: return "apple"
        case .gmxWebde: return "gmx_webde"
        case .other: return "other"
        }
    }

    public static func < (a: MailboxProvider, b: MailboxProvider) -> Bool { a.rawValue < b.rawValue }

    /// Gmail (gmail.com, googlemail.com), Microsoft (outlook.*, hotmail.*, live.*, msn.com), Yahoo (yahoo.*,
    /// ymail.com, aol.com, rocketmail.com), Apple (icloud.com, me.com, mac.com), GMX/Web.de (gmx.*, web.de).
    /// `*` stands for any country ending (`outlook.se`, `yahoo.co.uk`).
    public static func classify(domain: String) -> MailboxProvider {
        let d = domain.lowercased()
        let first = d.split(separator: ".", maxSplits: 1).first.map(String.init) ?? d
        switch d {
        case "gmail.com", "googlemail.com": return .gmail
        case "msn.com": return .microsoft
        case "ymail.com", "aol.com", "rocketmail.com": return .yahoo
        case "icloud.com", "me.com", "mac.com": return .apple
        case "web.de": return .gmxWebde
        default: break
        }
        guard d.contains(".") else { return .other }
        switch first {
        case "outlook", "hotmail", "live": return .microsoft
        case "yahoo": return .yahoo
        case "gmx": return .gmxWebde
        default: return .other
        }
    }
}
