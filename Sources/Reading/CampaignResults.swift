import Foundation
import ReportCore

/// Campaign results (`inputs.md` §1): one row per send, from CSV, JSON Lines or a JSON array.
enum CampaignResults {
    static var countFields: [(String, WritableKeyPath<SendCounts, Int?>)] { [
        ("sent", \.sent), ("delivered", \.delivered), ("hard_bounces", \.hardBounces),
        ("soft_bounces", \.softBounces), ("dropped", \.dropped), ("unique_opens", \.uniqueOpens),
        ("machine_opens", \.machineOpens), ("unique_clicks", \.uniqueClicks), ("forwards", \.forwards),
        ("replies", \.replies), ("unsubscribes", \.unsubscribes), ("complaints", \.complaints),
        ("deleted_unopened", \.deletedUnopened),
    ] }

    /// Parses one row. Contradictions between counts go to `contradictions` (errors in strict mode,
    /// warnings with `--lenient`); anything unreadable throws.
    static func parse(_ row: Row, zone: TimeZone, contradictions: inout [ReportError]) throws -> CampaignRow {
        guard let campaign = row.text("campaign") else {
            throw ReportError("is missing (every row needs the id of its send)", at: row.at("campaign"))
        }
        var counts = SendCounts()
        var hasCounts = false
        for (field, path) in countFields {
            if let n = try wholeNumber(row, field) {
                counts[keyPath: path] = n
                hasCounts = true
            }
        }
        if let bounces = try wholeNumber(row, "bounces") {
            hasCounts = true
            if counts.hardBounces == nil { counts.hardBounces = bounces }
        }
        // `delivered` missing: sent − hard − soft, where the export has at least one bounce column (a single
        // `bounces` column is hard bounces). With no bounce column at all, delivered stays unknown.
        if counts.delivered == nil, let sent = counts.sent, counts.hardBounces != nil || counts.softBounces != nil {
            counts.delivered = sent - (counts.hardBounces ?? 0) - (counts.softBounces ?? 0)
        }
        var sentAt: Date?
        if let text = row.text("sent_at") {
            guard let t = TimeParsing.sendTime(text, zone: zone) else {
                throw ReportError("\"\(InputLimits.quoted(text))\" is not an ISO 8601 date or date-time (e.g. 2026-11-16 or 2026-11-16T09:00:00+01:00)", at: row.at("sent_at"))
            }
            guard InputLimits.isSupported(time: t) else {
                throw ReportError("\"\(InputLimits.quoted(text))\" is outside the supported years (\(InputLimits.timeRange))", at: row.at("sent_at"))
            }
            sentAt = Date(timeIntervalSince1970: t)
        }
        var kind = SendKind.regular
        if let text = row.text("kind") {
            let key = Columns.normalize(text)
            switch key {
            case "regular", "": kind = .regular
            case "winback": kind = .winback
            case "reactivation": kind = .reactivation
            default:
                throw ReportError("\"\(text)\" is not one of regular, winback, reactivation", at: row.at("kind"))
            }
        }
        contradictions += check(counts, row)
        var out = CampaignRow(
            campaign: campaign, program: row.text("program"), sentAt: sentAt, name: row.text("name"),
            subject: row.text("subject"), segment: row.text("segment"), kind: kind, from: row.text("from"),
            counts: counts, hasCounts: hasCounts, location: row.location
        )
        out.experimentGroup = row.text("experiment_group")
        out.test = row.text("test")
        return out
    }

    static func wholeNumber(_ row: Row, _ field: String) throws -> Int? {
        guard let text = row.text(field) else { return nil }
        var digits = Substring(text)
        // Exports from spreadsheets write whole numbers as `1234.0`.
        if digits.hasSuffix(".0") { digits = digits.dropLast(2) }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(digits) else {
            throw ReportError("\"\(text)\" is not a whole number", at: row.at(field))
        }
        return n
    }

    static func check(_ c: SendCounts, _ row: Row) -> [ReportError] {
        var out: [ReportError] = []
        func more(_ a: Int?, _ aName: String, _ b: Int?, _ bName: String) {
            if let a, let b, a > b {
                out.append(ReportError("\(aName) (\(a)) is more than \(bName) (\(b))", at: row.at(aName)))
            }
        }
        more(c.delivered, "delivered", c.sent, "sent")
        more(c.uniqueOpens, "unique_opens", c.delivered, "delivered")
        more(c.machineOpens, "machine_opens", c.uniqueOpens, "unique_opens")
        more(c.uniqueClicks, "unique_clicks", c.delivered, "delivered")
        more(c.unsubscribes, "unsubscribes", c.delivered, "delivered")
        more(c.complaints, "complaints", c.delivered, "delivered")
        if let sent = c.sent, let h = c.hardBounces, let s = c.softBounces, h + s > sent {
            out.append(ReportError("hard_bounces + soft_bounces (\(h + s)) is more than sent (\(sent))", at: row.at("hard_bounces")))
        }
        return out
    }
}
