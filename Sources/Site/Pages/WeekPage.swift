import Foundation
import Metrics
import ReportCore

/// `weeks/2026-W47/index.html`: the weekly report.
enum WeekPage {
    static let columns: [KPI] = [.humanOpenRate, .openRate, .clickRate, .clickToOpenRate, .unsubscribeRate, .complaintRate, .hardBounceRate]

    static func render(_ ctx: SiteContext, _ week: WeekReport) throws -> Data {
        let report = ctx.report
        let root = "../../"
        var page = try ctx.page(root: root, title: ctx.format.weekTitle(week.week), section: "week")
        page["week_title"] = ctx.format.weekTitle(week.week)
        page["range"] = ctx.format.weekRange(week.week)
        page["marks"] = try ctx.marks(provisional: week.provisional)
        page["note"] = ctx.note(ctx.notes.weeks[week.week])
        page["columns"] = try columns.map { ["label": try ctx.kpiLabel($0), "anchor": $0.rawValue] }
        var rows: [[String: Any]] = []
        for slug in week.programs {
            guard let program = report.program(slug), let pw = program.week(week.week) else { continue }
            rows.append([
                "name": program.name, "href": root + "programs/\(slug)/index.html#week-\(week.week)",
                "sends": pw.sendIDs.count, "delivered": ctx.format.count(pw.totals.counts.delivered),
                "cells": columns.map { ctx.rateCell(pw.totals, $0, change: pw.change[$0], withChange: true) },
                "marks": try ctx.marks(totals: pw.totals),
            ])
        }
        page["programs"] = rows
        page["total"] = [
            "sends": week.sendIDs.count, "delivered": ctx.format.count(week.totals.counts.delivered),
            "cells": columns.map { ctx.rateCell(week.totals, $0) },
        ]
        let alerts = report.alerts(in: week.week)
        page["alerts"] = ctx.list(try alerts.sorted { $0.severity > $1.severity }.map { try ctx.alertItem($0, root: root) })
        page["recommendations"] = ctx.list(try report.alerts.filter { $0.week == nil && week.programs.contains($0.program) }.map { try ctx.alertItem($0, root: root) })
        page["sends"] = try week.sendIDs.compactMap(report.send).map { try ctx.sendRow($0, root: root) }
        if let i = report.weeks.firstIndex(where: { $0.week == week.week }) {
            if i > 0 {
                let w = report.weeks[i - 1].week
                page["previous"] = ["href": root + "weeks/\(w)/index.html", "title": ctx.format.weekTitle(w)]
            }
            if i + 1 < report.weeks.count {
                let w = report.weeks[i + 1].week
                page["next"] = ["href": root + "weeks/\(w)/index.html", "title": ctx.format.weekTitle(w)]
            }
        }
        return try ctx.render("week", page)
    }
}
