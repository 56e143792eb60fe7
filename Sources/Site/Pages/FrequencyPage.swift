import EventFold
import Foundation
import Metrics
import ReportCore

/// `frequency/index.html`: weekly mail pressure per recipient against unsubscribes and complaints.
enum FrequencyPage {
    static func render(_ ctx: SiteContext) throws -> Data {
        let root = "../"
        let f = ctx.format
        var page = try ctx.page(root: root, title: try ctx.t("frequency.title"), section: "frequency")
        guard let insights = ctx.report.insights else {
            page["needs_events"] = try ctx.t("frequency.needs_events")
            return try ctx.render("frequency", page)
        }
        let buckets = insights.frequency
        let names = buckets.map { $0.messagesPerWeek == 5 ? "5+" : String($0.messagesPerWeek) }
        let unsub = try ctx.kpiLabel(.unsubscribeRate), complaint = try ctx.kpiLabel(.complaintRate)
        let title = try ctx.t("frequency.chart")
        let chart = LineChart(
            title: title, description: try ctx.t("frequency.description"), categories: names,
            series: [.init(name: unsub, values: buckets.map(\.unsubscribeRate), color: "s4"),
                     .init(name: complaint, values: buckets.map(\.complaintRate), color: "s5")],
            rules: [ctx.report.config.thresholds.complaintRate.warning.map { LineChart.Rule(name: (try? ctx.t("severity.warning")) ?? "", value: $0, kind: .warning) }].compactMap { $0 },
            words: try ctx.chartWords(), wideWidth: ChartWidth.full, format: { f.percent($0) })
        page["chart"] = ["title": title, "svg": chart.svg(id: "chart-frequency")]
        page["coverage"] = try ctx.coverageLine(ctx.report.coverage())
        page["finding"] = try finding(ctx, buckets)
        var rows = buckets.enumerated().map { i, b -> [String: Any] in
            ["name": names[i], "recipient_weeks": f.count(b.recipientWeeks), "delivered": f.count(b.delivered),
             "unsubscribe_rate": f.percent(b.unsubscribeRate), "complaint_rate": f.percent(b.complaintRate)]
        }
        let over = insights.overThreshold
        if over.recipientWeeks > 0 {
            rows.append([
                "name": try ctx.labels.format("frequency.over", ["limit": String(ctx.report.config.thresholds.messagesPerWeek)]),
                "recipient_weeks": f.count(over.recipientWeeks), "delivered": f.count(over.delivered),
                "unsubscribe_rate": f.percent(over.unsubscribeRate), "complaint_rate": f.percent(over.complaintRate), "over": true,
            ])
        }
        page["rows"] = rows
        page["alerts"] = ctx.list(try ctx.report.alerts.filter { $0.kind == .frequency }.map { try ctx.alertItem($0, root: root) })
        return try ctx.render("frequency", page)
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
