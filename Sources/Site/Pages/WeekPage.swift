import Foundation
import Metrics
import ReportCore

/// `weeks/2026-W47/index.html`: the weekly report.
enum WeekPage {
    static let columns: [KPI] = [.humanOpenRate, .openRate, .clickRate, .clickToOpenRate, .unsubscribeRate, .complaintRate, .hardBounceRate]

    static func render(_ ctx: SiteContext, _ week: WeekReport) throws -> Data {
        try ctx.render("week", try context(ctx, week, root: "../../"))
    }

    /// The week page's model; the single-file export draws the same model with another layout.
    static func context(_ ctx: SiteContext, _ week: WeekReport, root: String) throws -> [String: Any] {
        let report = ctx.report
        var page = try ctx.page(root: root, title: ctx.format.weekHeading(week.week), section: "week")
        page["week_title"] = ctx.format.weekHeading(week.week)
        page["range"] = ctx.format.weekRange(week.week)
        page["marks"] = try ctx.marks(provisional: week.provisional)
        page["note"] = ctx.note(ctx.notes.weeks[week.week])
        page["columns"] = try columns.map(ctx.kpiColumn)
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
                page["previous"] = ["href": root + "weeks/\(w)/index.html", "title": ctx.format.weekHeading(w)]
            }
            if i + 1 < report.weeks.count {
                let w = report.weeks[i + 1].week
                page["next"] = ["href": root + "weeks/\(w)/index.html", "title": ctx.format.weekHeading(w)]
            }
        }
        page["charts"] = try charts(ctx, week)
        // Re-activation outcomes decided this week (their window closed in it) or pending (sent this week).
        let calendar = ctx.format.calendar
        let these = report.reactivationSends.filter { s in
            guard let r = report.reactivation[s.id] else { return false }
            return calendar.week(of: r.windowEnd) == week.week || (r.pending && s.week == week.week)
        }
        if !these.isEmpty {
            var section = try ReactivationPage.outcomeSection(ctx, these, root: root, id: "reactivation", of: these)
            section["heading"] = try ctx.t("reactivation.this_week")
            page["outcomes"] = section
        }
        page["providers"] = try ctx.providerSection(week.sendIDs)
        return page
    }

    /// Each program's human open rate and complaint rate over the 12 weeks up to this one.
    static func charts(_ ctx: SiteContext, _ week: WeekReport) throws -> [[String: Any]] {
        let f = ctx.format
        let calendar = ctx.format.calendar
        var first = week.week
        for _ in 0..<11 { first = calendar.previous(first) }
        let weeks = calendar.weeks(from: first, through: week.week)
        let categories = weeks.map(f.weekShort)
        let programs = ctx.report.programs.filter { p in p.series.contains { $0.hasSends && weeks.contains($0.week) } }
        let colors = ["s1", "s3", "s4", "s2", "s5"]
        var out: [[String: Any]] = []
        let thresholds = ctx.report.config.thresholds.complaintRate
        for (key, kpi) in [("week_opens", KPI.humanOpenRate), ("week_complaints", KPI.complaintRate)] {
            let title = try ctx.labels.format("chart.\(key)", ["week": f.weekTitle(week.week)])
            let series = programs.enumerated().map { i, p in
                LineChart.Series(name: p.name, values: weeks.map { w in p.week(w).flatMap { $0.hasSends ? $0.totals.value(kpi) : nil } }, color: colors[i % colors.count])
            }
            var rules: [LineChart.Rule] = []
            if kpi == .complaintRate {
                if let w = thresholds.warning { rules.append(.init(name: try ctx.t("severity.warning"), value: w, kind: .warning)) }
                if let c = thresholds.critical { rules.append(.init(name: try ctx.t("severity.critical"), value: c, kind: .critical)) }
            }
            let chart = LineChart(
                title: title, description: try ctx.labels.format("chart.description_line", ["first": categories.first ?? "", "last": categories.last ?? ""]),
                categories: categories, series: series, rules: rules, words: try ctx.chartWords(), format: { f.percent($0) })
            out.append([
                "id": key, "title": title, "svg": chart.svg(id: "chart-\(key)"),
                "figures": ctx.figuresTable(
                    caption: title, columns: [try ctx.t("table.week")] + series.map(\.name),
                    rows: weeks.enumerated().map { i, w in [f.weekHeading(w)] + series.map { f.percent($0.values[i]) } }),
            ])
        }
        return out
    }
}

