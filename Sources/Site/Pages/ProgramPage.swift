import Foundation
import Metrics
import ReportCore

/// `programs/<slug>/index.html`: one program's trends over every week.
enum ProgramPage {
    struct Model: Encodable {
        struct WeekRow: Encodable {
            let id: String
            let title: String
            let href: String
            let has_sends: Bool
            let sends: Int
            let delivered: String
            let cells: [RateCell]
            let rolling_human_open_rate: RateCell
            let marks: [Mark]
        }
        struct Goal: Encodable {
            let label: String
            let value: String
            let anchor: String
            /// The last goal of the list (no comma after it).
            let last: Bool
        }
        let name: String
        let note: String?
        let charts: [ChartFigure]
        let columns: [KPIColumn]
        let weeks: [WeekRow]
        let goal_list: ItemList<Goal>?
        let sends: [SendRow]
        let recommendations: ItemList<AlertItem>?
        /// The 12 most recent alerts of the program's weeks.
        let alerts: ItemList<AlertItem>?
        /// The program's sender addresses, comma-separated; nil when no send names one.
        let from: String?
        let health: TierSection?
    }

    static func render(_ ctx: SiteContext, _ program: ProgramReport) throws -> DrawnPage {
        let report = ctx.report
        let links = PageLinks(.program(program.slug))
        let weeks = try program.series.reversed().map { pw in
            Model.WeekRow(
                id: "week-\(pw.week)", title: ctx.format.weekHeading(pw.week), href: links.to(.week(pw.week)),
                has_sends: pw.hasSends, sends: pw.sendIDs.count, delivered: ctx.format.count(pw.totals.counts.delivered),
                cells: Columns.program.map { ctx.rateCell(pw.totals, $0, change: pw.change[$0], withChange: true, usual: pw.hasSends ? pw.usual[$0] : nil) },
                rolling_human_open_rate: ctx.rateCell(pw.rolling, .humanOpenRate),
                marks: try ctx.marks(provisional: pw.provisional, totals: pw.hasSends ? pw.totals : nil))
        }
        let goals = KPI.allCases.filter { program.goals[$0] != nil }
        let alerts = report.alerts.filter { $0.program == program.slug }
        let model = Model(
            name: program.name, note: ctx.note(ctx.notes.programs[program.slug]), charts: try charts(ctx, program),
            columns: try Columns.program.map(ctx.kpiColumn), weeks: weeks,
            goal_list: .of(try goals.enumerated().map { i, kpi in
                Model.Goal(label: try ctx.kpiLabel(kpi), value: ctx.format.percent(program.goals[kpi]), anchor: kpi.rawValue, last: i == goals.count - 1)
            }),
            sends: try program.sendIDs.reversed().compactMap(report.send).map { try ctx.sendRow($0, links) },
            recommendations: try ctx.alertList(alerts.filter { $0.week == nil }, links),
            alerts: try ctx.alertList(Array(alerts.filter { $0.week != nil }.reversed().prefix(12)), links),
            from: program.fromAddresses.isEmpty ? nil : program.fromAddresses.joined(separator: ", "),
            health: try report.insights?.programs[program.slug].map {
                try ctx.tierSection($0, scope: program.name, id: "health", coverage: report.coverage(of: program.sendIDs))
            })
        return try ctx.render("program", try ctx.chrome(links, title: program.name, section: .program(program.slug)), model)
    }

    static func charts(_ ctx: SiteContext, _ program: ProgramReport) throws -> [ChartFigure] {
        let f = ctx.format
        let weeks = program.series.map(\.week)
        let categories = weeks.map(f.weekShort)
        let thresholds = ctx.report.config.thresholds
        func values(_ kpi: KPI) -> [Double?] { program.series.map { $0.totals.value(kpi) } }
        func rolling(_ kpi: KPI) -> [Double?] { program.series.map { $0.hasSends ? $0.rolling.value(kpi) : nil } }
        func goal(_ kpi: KPI) throws -> [LineChart.Rule] {
            guard let g = program.goals[kpi] else { return [] }
            return [LineChart.Rule(name: try ctx.t("chart.goal"), value: g, kind: .goal)]
        }
        func bands(_ b: Band) throws -> [LineChart.Rule] {
            var out: [LineChart.Rule] = []
            if let w = b.warning { out.append(.init(name: try ctx.t("severity.warning"), value: w, kind: .warning)) }
            if let c = b.critical { out.append(.init(name: try ctx.t("severity.critical"), value: c, kind: .critical)) }
            return out
        }
        let rollingLabel = try ctx.t("chart.rolling")
        // Win-back and re-activation sends of this program, marked on every trend.
        let markers: [(index: Int, label: String)] = try ctx.report.reactivationSends.filter { $0.program == program.slug }.compactMap { s in
            guard let i = weeks.firstIndex(of: s.week) else { return nil }
            return (i, "\(try ctx.t("kind.\(s.kind.rawValue)")): \(s.title)")
        }
        var out: [ChartFigure] = []

        func line(_ key: String, _ series: [(KPI, String, Bool)], rules: [LineChart.Rule]) throws {
            let title = try ctx.labels.format("chart.\(key)", ["program": program.name])
            var chartSeries: [LineChart.Series] = []
            // The headline rate (the one with a rolling line) gets its weekly 95 % interval and the usual range.
            var usual: LineChart.UsualBand?
            for (kpi, color, withRolling) in series {
                let name = try ctx.kpiLabel(kpi)
                chartSeries.append(.init(name: name, values: values(kpi), color: color,
                                         band: withRolling ? program.series.map { $0.totals.rates[kpi]?.interval } : []))
                if withRolling {
                    chartSeries.append(.init(name: "\(name) · \(rollingLabel)", values: rolling(kpi), style: .dashed, color: color))
                    usual = LineChart.UsualBand(name: try ctx.t("chart.usual"), values: program.series.map { $0.hasSends ? $0.usual[kpi] : nil })
                }
            }
            let chart = LineChart(
                title: title, description: try ctx.labels.format("chart.description_line", ["first": categories.first ?? "", "last": categories.last ?? ""]),
                categories: categories, series: chartSeries, rules: rules, markers: markers, usual: usual, words: try ctx.chartWords(), format: { f.percent($0) })
            // The figures: each value, the headline's with its interval. (The usual range of every rate is in
            // the table of weeks below the charts.)
            let columns = [try ctx.t("table.week")] + chartSeries.map(\.name)
            let rows = weeks.enumerated().map { i, w -> [String] in
                [f.weekTitle(w)] + chartSeries.map { s -> String in
                    let range = s.band.isEmpty ? nil : f.percentRange(s.band[i])
                    return f.percent(s.values[i]) + (range.map { " (\($0))" } ?? "")
                }
            }
            out.append(ChartFigure(id: key, title: title, svg: chart.svg(id: "chart-\(key)"),
                                   figures: ctx.figuresTable(caption: title, columns: columns, rows: rows)))
        }

        let volumeTitle = try ctx.labels.format("chart.volume", ["program": program.name])
        let delivered = program.series.map { $0.totals.counts.delivered.map(Double.init) }
        let bar = BarChart(
            title: volumeTitle, description: try ctx.t("chart.description_volume"), categories: categories,
            values: delivered, format: { f.count(Int($0)) })
        out.append(ChartFigure(
            id: "volume", title: volumeTitle, svg: bar.svg(id: "chart-volume"),
            figures: ctx.figuresTable(
                caption: volumeTitle, columns: [try ctx.t("table.week"), try ctx.t("count.sent"), try ctx.t("count.delivered")],
                rows: program.series.map { [f.weekTitle($0.week), f.count($0.totals.counts.sent), f.count($0.totals.counts.delivered)] })))
        try line("opens", [(.humanOpenRate, "s1", true), (.openRate, "s2", false)], rules: goal(.humanOpenRate) + goal(.openRate))
        try line("clicks", [(.clickRate, "s1", true), (.clickToOpenRate, "s3", false)], rules: goal(.clickRate) + goal(.clickToOpenRate))
        try line("unsubscribes", [(.unsubscribeRate, "s4", true)], rules: goal(.unsubscribeRate))
        try line("complaints", [(.complaintRate, "s5", true)], rules: goal(.complaintRate) + bands(thresholds.complaintRate))
        try line("bounces", [(.hardBounceRate, "s5", true), (.softBounceRate, "s2", false)], rules: goal(.hardBounceRate) + bands(thresholds.hardBounceRate))
        return out
    }
}
