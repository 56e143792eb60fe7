import Foundation
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
            "forwards", "replies", "unsubscribes", "complaints", "deleted_unopened", "experiment_group", "test",
        ]
        return Dictionary(uniqueKeysWithValues: names.map { (normalize($0), $0) })
    }()

    /// Canonical recipient-event columns, by normalised name.
    static let eventFields: [String: String] = {
        let names = ["time", "campaign", "recipient", "event", "bounce_type", "machine", "user_agent", "ip", "url", "program", "domain", "diagnostic"]
        return Dictionary(uniqueKeysWithValues: names.map { (normalize($0), $0) })
    }()

}

/// Header → canonical column, with the project's `columns:` mapping applied first.
struct ColumnMapping {
    private let user: [String: String]

    init(_ columns: [String: String]) {
        user = Dictionary(columns.map { (Columns.normalize($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The header's name after the user's mapping, normalised (before choosing a table's columns).
    func normalized(_ header: String) -> String {
        let key = Columns.normalize(header)
        return user[key].map(Columns.normalize) ?? key
    }

    /// The canonical column a header maps to among `canonical`, or nil when unknown.
    func name(_ header: String, in canonical: [String: String]) -> String? {
        canonical[normalized(header)]
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
