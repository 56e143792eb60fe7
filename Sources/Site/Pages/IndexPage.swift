import Foundation
import Metrics
import ReportCore

/// `index.html`: the latest week at a glance, open alerts, links to every week and program.
enum IndexPage {
    struct Model: Encodable {
        struct Latest: Encodable {
            let title: String
            let range: String
            let href: String
            let marks: [Mark]
        }
        struct ProgramRow: Encodable {
            let name: String
            let href: String
            let sent_this_week: Bool
            let sends: Int
            /// The headline rates, each with its sparkline of up to 12 weeks.
            let cells: [RateCell]
            let marks: [Mark]
        }
        struct WeekRow: Encodable {
            let title: String
            let range: String
            let href: String
            let sends: Int
            let delivered: String
            let human_open_rate: RateCell
            let complaint_rate: RateCell
            let marks: [Mark]
        }
        /// "48 sends in 3 programs over 18 weeks."
        let summary: String
        /// The latest week; nil before the first send.
        let latest: Latest?
        let programs: [ProgramRow]
        let headline: [KPIColumn]
        /// Alerts of the latest week and standing recommendations.
        let alerts: ItemList<AlertItem>?
        let weeks: [WeekRow]
        let health: TierSection?
    }

    static func render(_ ctx: SiteContext) throws -> DrawnPage {
        let report = ctx.report
        let links = PageLinks(.index)
        var latestModel: Model.Latest?
        var rows: [Model.ProgramRow] = []
        var alerts: ItemList<AlertItem>?
        if let latest = report.latestWeek {
            latestModel = Model.Latest(
                title: ctx.format.weekHeading(latest.week), range: ctx.format.weekRange(latest.week),
                href: links.to(.week(latest.week)), marks: try ctx.marks(provisional: latest.provisional))
            for program in report.programs {
                // Up to 12 weeks ending with the latest week, for the sparklines.
                let recent = program.series.filter { $0.week <= latest.week }.suffix(12)
                let current = program.week(latest.week)
                let cells = try Columns.headline.map { kpi in
                    var cell = ctx.rateCell(current?.totals ?? Totals(), kpi, change: current?.change[kpi], withChange: true)
                    cell.sparkline = Sparkline(
                        label: try ctx.labels.format("chart.sparkline", ["kpi": try ctx.kpiLabel(kpi), "program": program.name]),
                        values: recent.map { $0.totals.value(kpi) }).svg()
                    return cell
                }
                rows.append(Model.ProgramRow(
                    name: program.name, href: links.to(.program(program.slug)), sent_this_week: current?.hasSends == true,
                    sends: current?.sendIDs.count ?? 0, cells: cells, marks: try ctx.marks(totals: current?.totals)))
            }
            let open = report.alerts(in: latest.week) + report.alerts.filter { $0.week == nil }
            alerts = try ctx.alertList(open.sorted { $0.severity > $1.severity }, links)
        }
        let model = Model(
            summary: try ctx.labels.format("index.summary", [
                "sends": ctx.format.count(report.sends.count), "programs": ctx.format.count(report.programs.count),
                "weeks": ctx.format.count(report.weeks.count),
            ]),
            latest: latestModel, programs: rows,
            headline: report.latestWeek == nil ? [] : try Columns.headline.map(ctx.kpiColumn),
            alerts: alerts,
            weeks: try report.weeks.reversed().map { w in
                Model.WeekRow(
                    title: ctx.format.weekHeading(w.week), range: ctx.format.weekRange(w.week), href: links.to(.week(w.week)),
                    sends: w.sendIDs.count, delivered: ctx.format.count(w.totals.counts.delivered),
                    human_open_rate: ctx.rateCell(w.totals, .humanOpenRate), complaint_rate: ctx.rateCell(w.totals, .complaintRate),
                    marks: try ctx.marks(provisional: w.provisional))
            },
            health: try report.insights.map { try ctx.tierSection($0.sender, scope: try ctx.t("health.sender"), id: "health", coverage: report.coverage()) })
        return try ctx.render("index", try ctx.chrome(links, title: report.config.title, section: .index), model)
    }
}
