import ReportCore

/// Header matching (`inputs.md` §1): case-insensitive, ignoring spaces, `-` and `_`, with the project's
/// `columns:` mapping applied first.
enum Columns {
    static func normalize(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "_" && $0 != "\u{FEFF}" }
            .map(Character.init))
    }

    /// Canonical campaign-result columns, by normalised name.
    static let campaignFields: [String: String] = {
        let names = [
            "campaign", "program", "sent_at", "sent", "name", "subject", "segment", "kind", "from", "delivered",
            "hard_bounces", "soft_bounces", "bounces", "dropped", "unique_opens", "machine_opens", "unique_clicks",
            "forwards", "replies", "unsubscribes", "complaints", "deleted_unopened",
        ]
        return Dictionary(uniqueKeysWithValues: names.map { (normalize($0), $0) })
    }()

    /// Canonical recipient-event columns, by normalised name.
    static let eventFields: [String: String] = {
        let names = ["time", "campaign", "recipient", "event", "bounce_type", "machine", "url", "program", "domain"]
        return Dictionary(uniqueKeysWithValues: names.map { (normalize($0), $0) })
    }()

    /// Maps each raw header to a canonical name (or nil when unknown), using `columns:` first.
    static func map(headers: [String], canonical: [String: String], mapping: [String: String]) -> [String?] {
        let userMap = Dictionary(mapping.map { (normalize($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        return headers.map { raw in
            let key = normalize(raw)
            if let target = userMap[key] { return canonical[normalize(target)] }
            return canonical[key]
        }
    }
}

/// One input row with its cells under canonical column names.
struct Row {
    var cells: [String: String]
    var location: SourceLocation

    func text(_ field: String) -> String? {
        guard let v = cells[field] else { return nil }
        let t = v.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }

    func at(_ field: String) -> SourceLocation {
        var l = location
        l.field = "column \"\(field)\""
        return l
    }
}

import Foundation
