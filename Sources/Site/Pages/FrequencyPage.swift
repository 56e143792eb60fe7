import EventFold
import Foundation
import Metrics
import ReportCore

/// `frequency/index.html`: weekly mail pressure per recipient against unsubscribes and complaints.
enum FrequencyPage {
    struct Model: Encodable {
        struct Row: Encodable {
            /// Messages per recipient-week: "1" … "5+", or "More than 4 a week".
            let name: String
            let recipient_weeks: String
            let delivered: String
            let unsubscribe_rate: RateCell
            let complaint_rate: RateCell
            /// The row of recipient-weeks above the frequency threshold.
            let over: Bool
        }
        /// Said instead of everything else when the report has no recipient events.
        let needs_events: String?
        let chart: ChartFigure?
        let coverage: String?
        let finding: String?
        let rows: [Row]
        let alerts: ItemList<AlertItem>?
    }

    static func render(_ ctx: SiteContext) throws -> DrawnPage {
        let links = PageLinks(.frequency)
        let f = ctx.format
        let chrome = try ctx.chrome(links, title: try ctx.t("frequency.title"), section: .frequency)
        guard let insights = ctx.report.insights else {
            let model = Model(needs_events: try ctx.t("frequency.needs_events"), chart: nil, coverage: nil, finding: nil, rows: [], alerts: nil)
            return try ctx.render("frequency", chrome, model)
        }
        let buckets = insights.frequency
        let names = buckets.map { $0.messagesPerWeek == 5 ? "5+" : String($0.messagesPerWeek) }
        let unsub = try ctx.kpiLabel(.unsubscribeRate), complaint = try ctx.kpiLabel(.complaintRate)
        let title = try ctx.t("frequency.chart")
        let warning = try ctx.t("severity.warning")
        let chart = LineChart(
            title: title, description: try ctx.t("frequency.description"), categories: names,
            series: [.init(name: unsub, values: buckets.map(\.unsubscribeRate), color: "s4"),
                     .init(name: complaint, values: buckets.map(\.complaintRate), color: "s5")],
            rules: ctx.report.config.thresholds.complaintRate.warning.map { [LineChart.Rule(name: warning, value: $0, kind: .warning)] } ?? [],
            words: try ctx.chartWords(), wideWidth: ChartWidth.full, format: { f.percent($0) })
        var rows = buckets.enumerated().map { i, b in
            Model.Row(name: names[i], recipient_weeks: f.count(b.recipientWeeks), delivered: f.count(b.delivered),
                      unsubscribe_rate: ctx.rateCell(Totals(messages: b.messages), .unsubscribeRate),
                      complaint_rate: ctx.rateCell(Totals(messages: b.messages), .complaintRate), over: false)
        }
        let over = insights.overThreshold
        if over.recipientWeeks > 0 {
            rows.append(Model.Row(
                name: try ctx.labels.format("frequency.over", ["limit": String(ctx.report.config.thresholds.messagesPerWeek)]),
                recipient_weeks: f.count(over.recipientWeeks), delivered: f.count(over.delivered),
                unsubscribe_rate: ctx.rateCell(Totals(messages: over.messages), .unsubscribeRate),
                complaint_rate: ctx.rateCell(Totals(messages: over.messages), .complaintRate), over: true))
        }
        let model = Model(
            needs_events: nil, chart: ChartFigure(id: "frequency", title: title, svg: chart.svg(id: "chart-frequency")),
            coverage: try ctx.coverageLine(ctx.report.coverage()), finding: try finding(ctx, buckets), rows: rows,
            alerts: try ctx.alertList(ctx.report.alerts.filter { $0.kind == .frequency }, links))
        return try ctx.render("frequency", chrome, model)
    }

    /// What this data shows, in one sentence: the busiest bucket with messages against one a week. No general
    /// claim (the glossary and the alert carry the guidance).
    static func finding(_ ctx: SiteContext, _ buckets: [FrequencyBucket]) throws -> String? {
        guard let one = buckets.first, one.delivered > 0 else { return nil }
        guard let top = buckets.dropFirst().last(where: { $0.delivered > 0 }) else { return try ctx.t("frequency.finding_one") }
        let f = ctx.format
        return try ctx.labels.format("frequency.finding", [
            "n": top.messagesPerWeek == 5 ? "5+" : String(top.messagesPerWeek),
            "unsubscribe_high": f.percent(top.unsubscribeRate), "complaint_high": f.percent(top.complaintRate),
            "unsubscribe_one": f.percent(one.unsubscribeRate), "complaint_one": f.percent(one.complaintRate),
        ])
    }
}
