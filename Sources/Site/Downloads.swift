import EventFold
import Foundation
import Metrics
import ReportCore

/// `data/campaigns.csv|json` and `data/weeks.csv|json` (`site.md`): every computed count and rate per send
/// and per program-week. No recipient-level data.
enum Downloads {
    enum Value {
        case text(String?)
        case count(Int?)
        case rate(Double?)
    }

    static let countColumns: [(String, @Sendable (SendCounts) -> Int?)] = [
        ("sent", { $0.sent }), ("delivered", { $0.delivered }), ("hard_bounces", { $0.hardBounces }),
        ("soft_bounces", { $0.softBounces }), ("unique_opens", { $0.uniqueOpens }), ("machine_opens", { $0.machineOpens }),
        ("human_opens", { $0.humanOpens }), ("unique_clicks", { $0.uniqueClicks }), ("forwards", { $0.forwards }),
        ("replies", { $0.replies }), ("unsubscribes", { $0.unsubscribes }), ("complaints", { $0.complaints }),
    ]
    static let rateColumns: [KPI] = [
        .deliveryRate, .openRate, .humanOpenRate, .clickRate, .clickToOpenRate, .unsubscribeRate, .complaintRate, .hardBounceRate,
    ]

    /// Each rate, then its 95 % Wilson interval: `click_rate, click_rate_low, click_rate_high`.
    static func measures(_ totals: Totals) -> [(String, Value)] {
        countColumns.map { ($0.0, .count($0.1(totals.counts))) } + rateColumns.flatMap { kpi -> [(String, Value)] in
            let interval = totals.rates[kpi]?.interval
            return [(kpi.rawValue, .rate(totals.value(kpi))), (kpi.rawValue + "_low", .rate(interval?.low)), (kpi.rawValue + "_high", .rate(interval?.high))]
        }
    }

    static var rateHeader: [String] { rateColumns.flatMap { [$0.rawValue, $0.rawValue + "_low", $0.rawValue + "_high"] } }

    static func campaignRecords(_ report: Report, calendar: WeekCalendar) -> [[(String, Value)]] {
        report.sends.map { s in
            [
                ("campaign", .text(s.id)), ("program", .text(s.program)), ("name", .text(s.name)), ("kind", .text(s.kind.rawValue)),
                ("sent_at", .text(calendar.iso8601(s.sentAt))), ("week", .text(s.week.description)),
            ] + measures(Totals([s])) + [("sent_after_optout", .count(report.insights?.sends[s.id]?.sentAfterOptOut))]
        }
    }

    static func weekRecords(_ report: Report) -> [[(String, Value)]] {
        report.programs.flatMap { p in
            p.series.filter(\.hasSends).map { pw in
                [("program", .text(p.slug)), ("week", .text(pw.week.description)), ("sends", .count(pw.sendIDs.count))] + measures(pw.totals)
            }
        }
    }

    static func csv(_ records: [[(String, Value)]], header: [String]) -> Data {
        var out = header.joined(separator: ",") + "\n"
        for record in records {
            out += record.map { cell($0.1) }.joined(separator: ",") + "\n"
        }
        return Data(out.utf8)
    }

    static func header(campaigns: Bool) -> [String] {
        (campaigns ? ["campaign", "program", "name", "kind", "sent_at", "week"] : ["program", "week", "sends"])
            + countColumns.map(\.0) + rateHeader + (campaigns ? ["sent_after_optout"] : [])
    }

    private static func cell(_ v: Value) -> String {
        switch v {
        case .text(let s?): return CSVCell.text(s)
        case .count(let n?): return String(n)
        case .rate(let r?): return String(format: "%.6f", r)
        default: return ""
        }
    }

    static func json(_ records: [[(String, Value)]]) -> Data {
        var out = "[\n"
        for (i, record) in records.enumerated() {
            out += "  {" + record.map { "\(jsonString($0.0)): \(jsonValue($0.1))" }.joined(separator: ", ") + "}"
            out += i + 1 < records.count ? ",\n" : "\n"
        }
        out += "]\n"
        return Data(out.utf8)
    }

    private static func jsonValue(_ v: Value) -> String {
        switch v {
        case .text(let s?): return jsonString(s)
        case .count(let n?): return String(n)
        case .rate(let r?): return String(format: "%.6f", r)
        default: return "null"
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"  // safe to inline into HTML
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Where `files` puts each download, whatever the report.
    static let paths = ["reactivation.csv", "campaigns.csv", "campaigns.json", "weeks.csv", "weeks.json",
                        "mailbox-providers.csv", "bounce-reasons.csv"].map { Route.download($0).outputPath }

    static func files(_ report: Report) -> [String: Data] {
        let calendar = WeekCalendar(timeZone: report.config.timeZone)
        let campaigns = campaignRecords(report, calendar: calendar)
        let weeks = weekRecords(report)
        let reactivation: [[(String, Value)]] = report.reactivationSends.compactMap { s in
            guard let r = report.reactivation[s.id] else { return nil }
            return [
                ("campaign", .text(s.id)), ("program", .text(s.program)), ("kind", .text(s.kind.rawValue)),
                ("sent_at", .text(calendar.iso8601(s.sentAt))), ("status", .text(r.pending ? "pending" : "decided")),
                ("targeted", .count(r.targeted)), ("delivered", .count(r.delivered)), ("bounced", .count(r.count(.bounced))),
                ("complained", .count(r.count(.complained))), ("unsubscribed", .count(r.count(.unsubscribed))),
                ("re_engaged", .count(r.count(.reEngaged))), ("opened_unverified", .count(r.count(.openedUnverified))),
                ("no_response", .count(r.count(.noResponse))),
                ("late_engagers", .count(r.lateEngagers)),
            ]
        }
        return [
            Route.download("reactivation.csv").outputPath: csv(reactivation, header: ["campaign", "program", "kind", "sent_at", "status", "targeted", "delivered", "bounced", "complained", "unsubscribed", "re_engaged", "opened_unverified", "no_response", "late_engagers"]),
            Route.download("campaigns.csv").outputPath: csv(campaigns, header: header(campaigns: true)),
            Route.download("campaigns.json").outputPath: json(campaigns),
            Route.download("weeks.csv").outputPath: csv(weeks, header: header(campaigns: false)),
            Route.download("weeks.json").outputPath: json(weeks),
            Route.download("mailbox-providers.csv").outputPath: mailboxProviders(report.mailboxProviders.data),
            Route.download("bounce-reasons.csv").outputPath: bounceReasons(report.insights?.bounceReasons ?? []),
        ]
    }

    /// `source,domain,ip,date,metric,value`: every daily figure of Gmail Postmaster Tools (the standard metric
    /// with its filter after a colon) and of SNDS (`message_recipients`, `filter_result`, `complaint_rate`,
    /// `trap_hits`). Rates are fractions with six decimals; SNDS' `< 0.1%` is `<0.001000`. The compliance status
    /// has no date and is on the page only.
    static func mailboxProviders(_ data: MailboxProviderData) -> Data {
        var out = "source,domain,ip,date,metric,value\n"
        func fraction(_ v: Double) -> String { String(format: "%.6f", v) }
        for v in data.postmaster {
            let value: String
            if let n = v.value {
                value = v.metric.contains("_RATE") || n != n.rounded() || abs(n) >= 1e15 ? fraction(n) : String(Int(n))
            } else {
                value = CSVCell.text(v.text ?? "")
            }
            out += "\(MailboxDataSource.gmailPostmaster.rawValue),\(CSVCell.text(v.domain)),,\(v.day),\(CSVCell.text(v.metric)),\(value)\n"
        }
        for r in data.snds {
            let prefix = "\(MailboxDataSource.microsoftSNDS.rawValue),,\(CSVCell.text(r.ip)),\(r.day),"
            out += prefix + "message_recipients,\(r.messageRecipients)\n"
            out += prefix + "filter_result,\(r.filter.rawValue)\n"
            if let c = r.complaintRate { out += prefix + "complaint_rate,\(c.below ? "<" : "")\(fraction(c.value))\n" }
            out += prefix + "trap_hits,\(r.trapHits)\n"
        }
        return Data(out.utf8)
    }

    /// `week,provider,kind,reason,messages`: bounced and deferred messages per ISO week of their send and mailbox
    /// provider, by reason (`not_given` where the source gave no diagnostic).
    static func bounceReasons(_ rows: [BounceReasonCount]) -> Data {
        var out = "week,provider,kind,reason,messages\n"
        for r in rows {
            out += "\(r.week),\(r.provider.key),\(r.kind.rawValue),\(r.reason?.key ?? "not_given"),\(r.messages)\n"
        }
        return Data(out.utf8)
    }
}
