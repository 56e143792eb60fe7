import Foundation
import Metrics
import ReportCore

/// `index.html`: the latest week at a glance, open alerts, links to every week and program.
enum IndexPage {
    static let headline: [KPI] = [.humanOpenRate, .clickRate, .unsubscribeRate, .complaintRate]

    static func render(_ ctx: SiteContext) throws -> Data {
        let report = ctx.report
        var page = try ctx.page(root: "", title: report.config.title, section: "index")
        if let latest = report.latestWeek {
            page["latest"] = [
                "title": ctx.format.weekHeading(latest.week),
                "range": ctx.format.weekRange(latest.week),
                "href": "weeks/\(latest.week)/index.html",
                "marks": try ctx.marks(provisional: latest.provisional),
            ]
            var rows: [[String: Any]] = []
            for program in report.programs {
                // Up to 12 weeks ending with the latest week, for the sparklines.
                let recent = program.series.filter { $0.week <= latest.week }.suffix(12)
                let current = program.week(latest.week)
                var cells: [[String: Any]] = []
                for kpi in headline {
                    var cell = ctx.rateCell(current?.totals ?? Totals(), kpi, change: current?.change[kpi], withChange: true)
                    cell["sparkline"] = Sparkline(
                        label: try ctx.labels.format("chart.sparkline", ["kpi": try ctx.kpiLabel(kpi), "program": program.name]),
                        values: recent.map { $0.totals.value(kpi) }).svg()
                    cells.append(cell)
                }
                rows.append([
                    "name": program.name,
                    "href": "programs/\(program.slug)/index.html",
                    "sent_this_week": current?.hasSends == true,
                    "sends": current?.sendIDs.count ?? 0,
                    "cells": cells,
                    "marks": try ctx.marks(totals: current?.totals),
                ])
            }
            page["programs"] = rows
            page["headline"] = try headline.map(ctx.kpiColumn)
            let open = report.alerts(in: latest.week) + report.alerts.filter { $0.week == nil }
            page["alerts"] = ctx.list(try open.sorted { $0.severity > $1.severity }.map { try ctx.alertItem($0, root: "") })
        }
        page["weeks"] = try report.weeks.reversed().map { w -> [String: Any] in
            [
                "title": ctx.format.weekHeading(w.week), "range": ctx.format.weekRange(w.week),
                "href": "weeks/\(w.week)/index.html", "sends": w.sendIDs.count,
                "delivered": ctx.format.count(w.totals.counts.delivered),
                "human_open_rate": ctx.rateCell(w.totals, .humanOpenRate),
                "complaint_rate": ctx.rateCell(w.totals, .complaintRate),
                "marks": try ctx.marks(provisional: w.provisional),
            ]
        }
        if let insights = report.insights {
            page["health"] = try ctx.tierSection(insights.sender, scope: try ctx.t("health.sender"), id: "health", coverage: report.coverage())
        }
        page["summary"] = try ctx.labels.format("index.summary", [
            "sends": ctx.format.count(report.sends.count), "programs": ctx.format.count(report.programs.count),
            "weeks": ctx.format.count(report.weeks.count),
        ])
        return try ctx.render("index", page)
    }
}
