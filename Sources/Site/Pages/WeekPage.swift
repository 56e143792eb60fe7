import Foundation
import Metrics
import ReportCore

/// `weeks/2026-W47/index.html`: the weekly report.
enum WeekPage {
    /// The week page's variables (and the exported week's: `export-week` draws the same model).
    struct Model: Encodable {
        struct ProgramRow: Encodable {
            let name: String
            let href: String
            let sends: Int
            let delivered: String
            let cells: [RateCell]
            let marks: [Mark]
        }
        struct Total: Encodable {
            let sends: Int
            let delivered: String
            let cells: [RateCell]
        }
        let week_title: String
        /// "16 Nov 2026 – 22 Nov 2026".
        let range: String
        let marks: [Mark]
        let note: String?
        let columns: [KPIColumn]
        let programs: [ProgramRow]
        let total: Total
        let alerts: ItemList<AlertItem>?
        let recommendations: ItemList<AlertItem>?
        let sends: [SendRow]
        let previous: TitledLink?
        let next: TitledLink?
        let charts: [ChartFigure]
        /// Re-activation outcomes decided this week (their window closed in it) or pending (sent this week).
        let outcomes: OutcomeSection?
        let providers: ProviderSection?
        /// What Gmail and Microsoft saw this week, and opt-outs honoured.
        let mailbox: MailboxProvidersPage.WeekSection?
    }

    static func render(_ ctx: SiteContext, _ week: WeekReport) throws -> DrawnPage {
        let links = PageLinks(.week(week.week))
        let chrome = try ctx.chrome(links, title: ctx.format.weekHeading(week.week), section: .week)
        return try ctx.render("week", chrome, try model(ctx, week, links))
    }

    static func model(_ ctx: SiteContext, _ week: WeekReport, _ links: PageLinks) throws -> Model {
        let report = ctx.report
        let f = ctx.format
        var programs: [Model.ProgramRow] = []
        for slug in week.programs {
            guard let program = report.program(slug), let pw = program.week(week.week) else { continue }
            programs.append(Model.ProgramRow(
                name: program.name, href: links.to(.program(slug), fragment: "week-\(week.week)"),
                sends: pw.sendIDs.count, delivered: f.count(pw.totals.counts.delivered),
                cells: Columns.week.map { ctx.rateCell(pw.totals, $0, change: pw.change[$0], withChange: true, usual: pw.usual[$0]) },
                marks: try ctx.marks(totals: pw.totals)))
        }
        func link(_ w: ISOWeek) -> TitledLink { TitledLink(href: links.to(.week(w)), title: f.weekHeading(w)) }
        let i = report.weeks.firstIndex { $0.week == week.week }
        let calendar = f.calendar
        let these = report.reactivationSends.filter { s in
            guard let r = report.reactivation[s.id] else { return false }
            return calendar.week(of: r.windowEnd) == week.week || (r.pending && s.week == week.week)
        }
        var outcomes: OutcomeSection?
        if !these.isEmpty {
            outcomes = try ReactivationPage.outcomeSection(ctx, these, links, id: "reactivation", of: these)
            outcomes?.heading = try ctx.t("reactivation.this_week")
        }
        return Model(
            week_title: f.weekHeading(week.week), range: f.weekRange(week.week),
            marks: try ctx.marks(provisional: week.provisional), note: ctx.note(ctx.notes.weeks[week.week]),
            columns: try Columns.week.map(ctx.kpiColumn), programs: programs,
            total: Model.Total(sends: week.sendIDs.count, delivered: f.count(week.totals.counts.delivered),
                               cells: Columns.week.map { ctx.rateCell(week.totals, $0) }),
            alerts: try ctx.alertList(report.alerts(in: week.week).sorted { $0.severity > $1.severity }, links),
            recommendations: try ctx.alertList(report.alerts.filter { $0.week == nil && week.programs.contains($0.program) }, links),
            sends: try week.sendIDs.compactMap(report.send).map { try ctx.sendRow($0, links) },
            previous: i.flatMap { $0 > 0 ? link(report.weeks[$0 - 1].week) : nil },
            next: i.flatMap { $0 + 1 < report.weeks.count ? link(report.weeks[$0 + 1].week) : nil },
            charts: try charts(ctx, week), outcomes: outcomes, providers: try ctx.providerSection(week.sendIDs),
            mailbox: try MailboxProvidersPage.weekSection(ctx, week.week, links))
    }

    /// Each program's human open rate and complaint rate over the 12 weeks up to this one.
    static func charts(_ ctx: SiteContext, _ week: WeekReport) throws -> [ChartFigure] {
        let f = ctx.format
        let calendar = ctx.format.calendar
        var first = week.week
        for _ in 0..<11 { first = calendar.previous(first) }
        let weeks = calendar.weeks(from: first, through: week.week)
        let categories = weeks.map(f.weekShort)
        let programs = ctx.report.programs.filter { p in p.series.contains { $0.hasSends && weeks.contains($0.week) } }
        let colors = ["s1", "s3", "s4", "s2", "s5"]
        var out: [ChartFigure] = []
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
            out.append(ChartFigure(
                id: key, title: title, svg: chart.svg(id: "chart-\(key)"),
                figures: ctx.figuresTable(
                    caption: title, columns: [try ctx.t("table.week")] + series.map(\.name),
                    rows: weeks.enumerated().map { i, w in [f.weekHeading(w)] + series.map { f.percent($0.values[i]) } })))
        }
        return out
    }
}

