import Foundation

/// Why a receiving server refused or deferred a message, in a small set a consultant acts on
/// (`metrics.md`, *Bounce reasons*).
///
/// Sources: RFC 3463 and the IANA "SMTP Enhanced Status Codes" registry (x.1.1 bad mailbox, x.2.2 mailbox full,
/// x.7.1 delivery not authorized, x.7.20–x.7.30 authentication); Google's "SMTP errors and codes"
/// (support.google.com/a/answer/3726730: 4.7.28 / 5.7.28 rate limited for unusual volume, 4.2.1 receiving too
/// fast, 5.7.26 unauthenticated / DMARC, 5.7.27 SPF, 5.7.25 no PTR, 5.7.1 likely unsolicited); Microsoft's
/// "Non-delivery reports in Exchange Online" (5.7.606–5.7.649 banned IP, 5.4.1 recipient access denied).
/// The providers' own classes come first where they give one (each reader maps them, citing its provider).
public enum BounceReason: UInt8, Sendable, CaseIterable, Hashable, Codable {
    /// The address does not exist or is disabled (5.1.1, 5.1.10, 5.2.1, 5.4.1).
    case invalidRecipient = 1
    /// The mailbox is full (x.2.2, 452 insufficient storage).
    case mailboxFull
    /// Blocked for the sender's reputation: an IP or domain block list, a policy block (x.7.1, 5.7.606…).
    case reputation
    /// Refused for the message's content: spam content, a URL, an attachment, a virus.
    case content
    /// Authentication failed or is missing: SPF, DKIM, DMARC, PTR (5.7.23–5.7.27, 5.7.30).
    case authentication
    /// Too much too fast: rate limits and throttling (4.7.28, 4.2.1, 421).
    case rateLimited
    case other

    public var key: String {
        switch self {
        case .invalidRecipient: return "invalid_recipient"
        case .mailboxFull: return "mailbox_full"
        case .reputation: return "reputation"
        case .content: return "content"
        case .authentication: return "authentication"
        case .rateLimited: return "rate_limited"
        case .other: return "other"
        }
    }

    /// The reason a diagnostic says: its enhanced status code (`5.7.26`, in the text, else given apart),
    /// else words of the text, else its basic reply code (`421`), else `other`. Nil when there is nothing to
    /// classify (no code and no text).
    public static func classify(code: String? = nil, text: String?) -> BounceReason? {
        let t = (text ?? "").lowercased()
        if code == nil && t.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        // The code in the receiving server's own words first (a DSN's status field is often generic), then the one
        // given apart: the first that decides.
        for enhanced in [enhancedCode(t), enhancedCode(code)] {
            if let r = byCode(enhanced, text: t) { return r }
        }
        if let w = words(t) { return w }
        switch basicCode(code) ?? basicCode(t) {
        case 421?: return .rateLimited
        case 452?: return .mailboxFull
        case 550?, 551?, 553?: return t.contains("user") || t.contains("mailbox") ? .invalidRecipient : .other
        default: return .other
        }
    }

    private static func byCode(_ enhanced: (Int, Int, Int)?, text t: String) -> BounceReason? {
        if let (cls, subject, detail) = enhanced {
            switch (subject, detail) {
            case (1, 1), (1, 0), (1, 2), (1, 3), (1, 6), (1, 10): return .invalidRecipient
            case (2, 1): return cls == 4 ? .rateLimited : .invalidRecipient
            case (2, 2): return .mailboxFull
            case (4, 1) where cls == 5: return .invalidRecipient  // Microsoft's "recipient address rejected"
            case (4, _): return .other  // network and routing: a timeout, a dropped connection (4.4.1, 4.4.2)
            case (7, 28), (4, 5): return .rateLimited
            case (7, 20), (7, 21), (7, 22), (7, 23), (7, 24), (7, 25), (7, 26), (7, 27), (7, 30): return .authentication
            case (7, 606...649): return .reputation
            case (7, _):
                // x.7.0 / x.7.1: a policy refusal; the text tells content, rate and authentication apart. Without
                // telling words a temporary one (4.7.0 "try again later") is throttling, a permanent one a block.
                return words(t) ?? (cls == 4 ? .rateLimited : .reputation)
            case (3, 4): return .content
            default: break
            }
        }
        return nil
    }

    /// Reasons by words of a diagnostic (lower-cased), most specific first.
    private static func words(_ t: String) -> BounceReason? {
        func any(_ list: [String]) -> Bool { list.contains { t.contains($0) } }
        if any(["rate limit", "rate-limit", "ratelimit", "too many", "throttl", "receiving mail at a rate", "unusual rate", "too fast"]) { return .rateLimited }
        if any(["spf", "dkim", "dmarc", "authenticat", "ptr record", "reverse dns"]) { return .authentication }
        if any(["mailbox full", "mailbox is full", "quota", "insufficient storage", "out of storage"]) { return .mailboxFull }
        if any(["user unknown", "unknown user", "no such user", "does not exist", "doesn't exist", "invalid recipient", "recipient address rejected",
                "address rejected", "no mailbox", "mailbox not found", "mailbox unavailable", "account disabled", "account has been disabled", "not a valid"]) {
            return .invalidRecipient
        }
        if any(["content", "virus", "attachment", "url ", "urls", "phish", "message looks like spam", "spammy"]) { return .content }
        if any(["blocked", "block list", "blocklist", "blacklist", "spamhaus", "barracuda", "reputation", "listed", "rbl", "unsolicited", "spam", "policy"]) {
            return .reputation
        }
        return nil
    }

    /// The first `c.s.d` enhanced status code in the text: class 2, 4 or 5, subject and detail of up to 3 digits.
    static func enhancedCode(_ text: String?) -> (Int, Int, Int)? {
        guard let text else { return nil }
        let b = Array(text.utf8)
        var i = 0
        func digits(_ at: Int) -> (Int, Int)? {
            var j = at, n = 0
            while j < b.count, j - at < 3, b[j] >= 0x30, b[j] <= 0x39 { n = n * 10 + Int(b[j] - 0x30); j += 1 }
            return j > at ? (n, j) : nil
        }
        while i < b.count {
            if [0x32, 0x34, 0x35].contains(b[i]), i + 1 < b.count, b[i + 1] == 0x2E, i == 0 || !(b[i - 1] >= 0x30 && b[i - 1] <= 0x39) && b[i - 1] != 0x2E,
               let (s, j) = digits(i + 2), j < b.count, b[j] == 0x2E, let (d, k) = digits(j + 1),
               k == b.count || !(b[k] >= 0x30 && b[k] <= 0x39) && b[k] != 0x2E {
                return (Int(b[i] - 0x30), s, d)
            }
            i += 1
        }
        return nil
    }

    /// A three-digit reply code (`421`, `550`) standing alone in the text.
    static func basicCode(_ text: String?) -> Int? {
        guard let text else { return nil }
        let b = Array(text.utf8)
        var i = 0
        while i + 3 <= b.count {
            let isDigit = { (k: Int) in k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
            if isDigit(i), isDigit(i + 1), isDigit(i + 2), i == 0 || !isDigit(i - 1) && b[i - 1] != 0x2E, !isDigit(i + 3), i + 3 == b.count || b[i + 3] != 0x2E,
               [0x34, 0x35].contains(b[i]) {
                return Int(String(decoding: b[i..<(i + 3)], as: UTF8.self))
            }
            i += 1
        }
        return nil
    }
}
