import EventFold
import Foundation
import Metrics
import ReportCore

/// `reactivation/index.html`: every win-back and re-activation send, its outcomes, and the effect on its program.
enum ReactivationPage {
    static func render(_ ctx: SiteContext) throws -> Data {
        let root = "../"
        let report = ctx.report
        let f = ctx.format
        var page = try ctx.page(root: root, title: try ctx.t("reactivation.title"), section: "reactivation")
        page["intro"] = try ctx.labels.format("reactivation.intro", ["days": String(report.config.responseWindowDays)])
        let sends = report.reactivationSends
        let withEvents = sends.filter { report.reactivation[$0.id] != nil }
        if !withEvents.isEmpty {
            page["outcomes"] = try outcomeSection(ctx, withEvents, root: root, id: "outcomes", of: sends)
        }
        let aggregateOnly = sends.filter { report.reactivation[$0.id] == nil }
        if !aggregateOnly.isEmpty {
            page["aggregate_only"] = [
                "note": try ctx.t("reactivation.needs_events"),
                "items": aggregateOnly.map { ["title": $0.title, "href": ctx.campaignHref($0.id, root: root), "date": f.date($0.sentAt)] },
            ]
        }
        // A send whose 4 weeks after have not passed has no "after" yet: left out, and the section says how many.
        let compared = sends.filter { report.beforeAfter[$0.id]?.afterIsComplete == true }
        let waiting = sends.filter { report.beforeAfter[$0.id]?.afterIsComplete == false }.count
        if !compared.isEmpty || waiting > 0 {
            var section: [String: Any] = [
                "items": try compared.compactMap { s in try report.beforeAfter[s.id].map { try beforeAfterRow(ctx, s, $0, root: root) } },
                "has_rows": !compared.isEmpty,
            ]
            if waiting > 0 { section["waiting"] = try ctx.labels.format("reactivation.before_after_waiting", ["n": f.count(waiting)]) }
            page["before_after"] = section
        }
        // Win-back programs: the re-engagement rate of each win-back send over time.
        var trends: [[String: Any]] = []
        for program in report.programs {
            let winbacks = withEvents.filter { $0.program == program.slug && $0.kind == .winback && report.reactivation[$0.id]?.pending == false }
            guard winbacks.count >= 2 else { continue }
            let title = try ctx.labels.format("reactivation.winback_trend", ["program": program.name])
            let label = try ctx.t("reactivation.re_engagement_rate")
            let values = winbacks.map { report.reactivation[$0.id]?.share(.reEngaged) }
            let chart = LineChart(
                title: title, description: try ctx.t("reactivation.winback_trend_description"),
                categories: winbacks.map { f.weekShort($0.week) }, series: [.init(name: label, values: values, color: "s3")],
                words: try ctx.chartWords(), wideWidth: ChartWidth.full, format: { f.percent($0) })
            trends.append([
                "title": title, "svg": chart.svg(id: "chart-winback-\(program.slug)"),
                "figures": ctx.figuresTable(caption: title, columns: [try ctx.t("reactivation.send"), label],
                                            rows: winbacks.enumerated().map { i, s in [s.title, f.percent(values[i])] }),
            ])
        }
        page["trends"] = ctx.list(trends)
        if sends.isEmpty { page["none"] = try ctx.t("reactivation.none") }
        page["outcome_help"] = try Outcome.allCases.map { ["class": "o-\($0.key)", "name": try ctx.t("outcome.\($0.key)"), "help": try ctx.t("outcome.help_\($0.key)")] }
        return try ctx.render("reactivation", page)
    }

    /// The outcome bars and table of some sends (the reactivation page, a campaign page, a week page); `scope`
    /// is the sends the section speaks for, for its coverage line (some may have no recipient events), and
    /// `oneSend` says it is one send's own page.
    static func outcomeSection(_ ctx: SiteContext, _ sends: [Send], root: String, id: String, of scope: [Send],
                               oneSend: Bool = false) throws -> [String: Any] {
        let f = ctx.format
        let results = sends.compactMap { ctx.report.reactivation[$0.id] }
        let title = try ctx.t("reactivation.chart")
        let chart = StackedBarChart(
            title: title, description: try ctx.t("reactivation.description"),
            categories: try sends.map { "\(f.weekShort($0.week)) · \(try ctx.t("kind.\($0.kind.rawValue)"))" },
            segments: try Outcome.allCases.map { o in
                .init(name: try ctx.t("outcome.\(o.key)"), cssClass: "o-\(o.key)", values: results.map { $0.count(o) })
            },
            orientation: .horizontal, format: { f.percent($0) })
        let rows = try zip(sends, results).map { s, r -> [String: Any] in
            [
                "title": s.title, "href": ctx.campaignHref(s.id, root: root), "kind": try ctx.t("kind.\(s.kind.rawValue)"),
                "program": ctx.programName(s.program), "date": f.date(s.sentAt),
                "status": r.pending ? try ctx.labels.format("reactivation.pending", ["date": f.date(r.windowEnd)])
                                    : try ctx.labels.format("reactivation.decided", ["date": f.date(r.windowEnd)]),
                "pending": r.pending,
                "targeted": f.count(r.targeted), "delivered": f.count(r.delivered),
                "cells": Outcome.allCases.map { o in ["count": f.count(r.count(o)), "share": f.percent(r.share(o))] },
                "late": f.count(r.lateEngagers),
            ]
        }
        return [
            "id": id, "title": title, "svg": chart.svg(id: "chart-\(id)"), "rows": rows,
            "coverage": try ctx.coverageLine(Coverage(scope), oneSend: oneSend),
            "columns": try Outcome.allCases.map { ["name": try ctx.t("outcome.\($0.key)"), "class": "o-\($0.key)", "help": try ctx.t("outcome.help_\($0.key)")] },
        ]
    }

    static func beforeAfterRow(_ ctx: SiteContext, _ s: Send, _ ba: BeforeAfter, root: String) throws -> [String: Any] {
        let f = ctx.format
        func pair(_ a: Double?, _ b: Double?, kpi: KPI) -> [String: Any] {
            var out: [String: Any] = ["before": f.percent(a), "after": f.percent(b)]
            // Coloured only where the two figures read differently: an unchanged value is no news.
            if let a, let b, f.percent(a) != f.percent(b) { out["class"] = (b > a) == kpi.higherIsBetter ? "better" : "worse" }
            return out
        }
        return [
            "title": s.title, "href": ctx.campaignHref(s.id, root: root), "program": ctx.programName(s.program),
            "list_before": ba.deliveredPerSendBefore.map { f.count(Int($0.rounded())) } ?? "—",
            "list_after": ba.deliveredPerSendAfter.map { f.count(Int($0.rounded())) } ?? "—",
            "cells": [KPI.humanOpenRate, .clickRate, .complaintRate].map { pair(ba.before.value($0), ba.after.value($0), kpi: $0) },
        ]
    }
}
