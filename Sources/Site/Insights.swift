import EventFold
import Foundation
import Metrics
import ReportCore

/// Page-model pieces drawn from recipient-level insights: tier charts, provider tables.
extension SiteContext {
    /// The list-health section: a stacked chart of tiers per week, and per tier its recipients at the end of
    /// the last week and the unsubscribe and complaint rates of the messages it received.
    func tierSection(_ series: TierSeries, scope: String, id: String, coverage: Coverage) throws -> TierSection {
        let f = format
        let categories = series.weeks.map(f.weekShort)
        let segments = try Tier.allCases.map { tier in
            StackedBarChart.Segment(name: try t("tier.\(tier.key)"), cssClass: "t-\(tier.key)", values: series.counts.map { $0[tier.rawValue] })
        }
        let title = try labels.format("health.chart", ["scope": scope])
        let chart = StackedBarChart(title: title, description: try t("health.description"), categories: categories, segments: segments, orientation: .vertical, format: { f.count(Int($0)) })
        let last = max(series.weeks.count - 1, 0)
        let b = report.config.tierBounds
        let helpValues = [
            "active": String(b.active), "active_next": String(b.active + 1), "warm": String(b.warm), "warm_next": String(b.warm + 1),
            "cooling": String(b.cooling), "cooling_next": String(b.cooling + 1), "at_risk": String(b.atRisk), "new": String(b.newDays),
        ]
        let rows = try Tier.allCases.map { tier -> TierSection.Row in
            let m = series.messages[tier.rawValue]
            return TierSection.Row(
                class: "t-\(tier.key)", name: try t("tier.\(tier.key)"), help: try labels.format("tier.help_\(tier.key)", helpValues),
                now: f.count(series.weeks.isEmpty ? nil : series.counts[last][tier.rawValue]),
                delivered: f.count(m.delivered), unsubscribe_rate: rateCell(Totals(messages: m), .unsubscribeRate),
                complaint_rate: rateCell(Totals(messages: m), .complaintRate))
        }
        return TierSection(
            id: id, title: title, svg: chart.svg(id: "chart-\(id)"), coverage: try coverageLine(coverage),
            figures: figuresTable(
                caption: title, columns: [try t("table.week")] + segments.map(\.name),
                rows: series.weeks.enumerated().map { i, w in [f.weekHeading(w)] + segments.map { f.count($0.values[i]) } }),
            recipients_now: try labels.format("health.recipients_now", ["week": series.weeks.isEmpty ? "" : f.weekTitle(series.weeks[last])]),
            rows: rows,
            inactive_share: f.percent(series.weeks.isEmpty ? nil : series.inactiveShare(week: last)))
    }

    /// What a section computed from recipient events covers, in one sentence (`metrics.md`, *Coverage*). A
    /// section about one send (its campaign page) says so in its own words.
    func coverageLine(_ c: Coverage, oneSend: Bool = false) throws -> String {
        if oneSend && c.isWhole { return try labels.format("coverage.one", ["delivered": format.count(c.delivered)]) }
        return try labels.format("coverage.from", [
            "with": format.count(c.sendsWithEvents), "sends": format.count(c.sends),
            "delivered_with": format.count(c.deliveredWithEvents), "delivered": format.count(c.delivered),
            "share": format.percent(c.share),
        ])
    }

    /// The mailbox-provider section of some sends.
    func providerSection(_ sendIDs: [String], oneSend: Bool = false) throws -> ProviderSection? {
        let rows = try providerRows(providers(of: sendIDs))
        guard !rows.isEmpty else { return nil }
        return ProviderSection(rows: rows, columns: try Columns.providers.map(kpiColumn),
                               coverage: try coverageLine(report.coverage(of: sendIDs), oneSend: oneSend))
    }

    /// One row per mailbox provider with its volume and rates, in a fixed order.
    func providerRows(_ byProvider: [MailboxProvider: SendCounts]) throws -> [ProviderSection.Row] {
        try MailboxProvider.allCases.compactMap { p -> ProviderSection.Row? in
            guard let counts = byProvider[p], (counts.sent ?? 0) > 0 else { return nil }
            let totals = Totals(counts: counts)
            return ProviderSection.Row(
                name: try t("provider.\(p.key)"), delivered: format.count(counts.delivered),
                cells: Columns.providers.map { rateCell(totals, $0) }, marks: try marks(totals: totals))
        }
    }

    /// Per-provider counts of several sends, summed.
    func providers(of sendIDs: [String]) -> [MailboxProvider: SendCounts] {
        var out: [MailboxProvider: SendCounts] = [:]
        for id in sendIDs {
            for (p, c) in report.insights?.sends[id]?.providers ?? [:] { out[p, default: SendCounts()].add(c) }
        }
        return out
    }
}
