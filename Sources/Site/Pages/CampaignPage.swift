import Foundation
import Metrics
import ReportCore

/// `campaigns/<id>/index.html`: one send.
enum CampaignPage {
    static func render(_ ctx: SiteContext, _ send: Send) throws -> Data {
        let report = ctx.report
        let root = "../../"
        let f = ctx.format
        let totals = Totals([send])
        var page = try ctx.page(root: root, title: send.title, section: "program:\(send.program)")
        page["title"] = send.title
        page["id"] = send.id
        page["subject"] = send.subject
        page["segment"] = send.segment
        page["from"] = send.from
        page["kind"] = send.kind == .regular ? nil : try ctx.t("kind.\(send.kind.rawValue)")
        page["program"] = ["name": ctx.programName(send.program), "href": root + "programs/\(send.program)/index.html"]
        page["week"] = ["title": f.weekHeading(send.week), "href": root + "weeks/\(send.week)/index.html"]
        page["date"] = f.dateTime(send.sentAt)
        page["source"] = try ctx.t("source.\(send.source.rawValue)")
        page["marks"] = try ctx.marks(totals: totals, send: send)
        page["note"] = ctx.note(ctx.notes.campaigns[send.id])
        page["kpis"] = try KPI.allCases.map { kpi -> [String: Any] in
            var cell = ctx.rateCell(totals, kpi)
            cell["label"] = try ctx.kpiLabel(kpi)
            cell["anchor"] = kpi.rawValue
            return cell
        }
        let c = send.counts
        // Bounces the provider could not classify (SES `Undetermined`) are neither hard nor soft: listed apart,
        // where there are any.
        let undetermined: [(String, Int?)] = (c.undeterminedBounces ?? 0) > 0 ? [("undetermined_bounces", c.undeterminedBounces)] : []
        let counts: [(String, Int?)] = [
            ("sent", c.sent), ("delivered", c.delivered), ("hard_bounces", c.hardBounces), ("soft_bounces", c.softBounces),
        ] + undetermined + [
            ("dropped", c.dropped), ("unique_opens", c.uniqueOpens), ("machine_opens", c.machineOpens),
            ("human_opens", c.humanOpens), ("unique_clicks", c.uniqueClicks), ("forwards", c.forwards),
            ("replies", c.replies), ("unsubscribes", c.unsubscribes), ("complaints", c.complaints),
            ("deleted_unopened", c.deletedUnopened),
        ]
        page["counts"] = try counts.map { ["label": try ctx.t("count.\($0.0)"), "value": f.count($0.1)] }
        let steps: [(String, Int?)] = [("sent", c.sent), ("delivered", c.delivered), ("human_opens", c.humanOpens), ("unique_clicks", c.uniqueClicks)]
        let funnelTitle = try ctx.labels.format("chart.funnel", ["campaign": send.title])
        let funnel = Funnel(
            title: funnelTitle, description: try ctx.t("chart.description_funnel"),
            steps: try steps.map { key, value in
                let share = (value != nil && (c.sent ?? 0) > 0) ? " (" + f.percent(Double(value!) / Double(c.sent!)) + ")" : ""
                return .init(label: try ctx.t("count.\(key)"), value: value, valueText: f.count(value) + share)
            })
        page["funnel"] = [
            "title": funnelTitle, "svg": funnel.svg(id: "chart-funnel"),
            "figures": ctx.figuresTable(
                caption: funnelTitle, columns: [try ctx.t("table.step"), try ctx.t("table.recipients")],
                rows: try steps.map { [try ctx.t("count.\($0.0)"), f.count($0.1)] }),
        ]
        if let detail = report.insights?.sends[send.id] {
            page["providers"] = try ctx.providerSection([send.id], oneSend: true)
            let coverage = try ctx.coverageLine(report.coverage(of: [send.id]), oneSend: true)
            let hours = (0..<72).map { "\($0)" }
            let hourlyTitle = try ctx.labels.format("hourly.chart", ["campaign": send.title])
            let opens = try ctx.t("hourly.opens"), clicks = try ctx.t("hourly.clicks")
            let chart = LineChart(
                title: hourlyTitle, description: try ctx.t("hourly.description"), categories: hours.map { "\($0)h" },
                series: [.init(name: opens, values: detail.opensByHour.map(Double.init), color: "s1"),
                         .init(name: clicks, values: detail.clicksByHour.map(Double.init), color: "s4")],
                words: try ctx.chartWords(), wideWidth: ChartWidth.full, format: { f.count(Int($0)) })
            page["hourly"] = [
                "title": hourlyTitle, "svg": chart.svg(id: "chart-hourly"), "coverage": coverage,
                "figures": ctx.figuresTable(
                    caption: hourlyTitle, columns: [try ctx.t("hourly.hour"), opens, clicks],
                    rows: (0..<72).filter { detail.opensByHour[$0] + detail.clicksByHour[$0] > 0 }.map { ["\($0)", f.count(detail.opensByHour[$0]), f.count(detail.clicksByHour[$0])] }),
            ]
            if !detail.topLinks.isEmpty {
                page["links"] = ["items": detail.topLinks.map { ["url": $0.url, "clickers": f.count($0.clickers)] }, "coverage": coverage]
            }
        }
        page["alerts"] = ctx.list(try report.alerts.filter { $0.campaign == send.id }.map { try ctx.alertItem($0, root: root) })
        if send.kind != .regular && send.source == .aggregate {
            page["outcomes_need_events"] = try ctx.t("campaign.outcomes_need_events")
        }
        if send.kind != .regular, report.reactivation[send.id] != nil {
            page["outcomes"] = try ReactivationPage.outcomeSection(ctx, [send], root: root, id: "outcomes", of: [send], oneSend: true)
        }
        return try ctx.render("campaign", page)
    }
}
