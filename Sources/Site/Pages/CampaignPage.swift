import Foundation
import Metrics
import ReportCore

/// `campaigns/<id>/index.html`: one send.
enum CampaignPage {
    struct Model: Encodable {
        struct KPIRow: Encodable {
            let label: String
            let anchor: String
            let value: String
            /// "1,234 / 56,789".
            let parts: String?
            /// The 95 % interval, "2.0–2.4%".
            let interval: String?
            let too_few: Bool
            let too_few_help: String?
            /// "3 of 12": the send's rank among its program's last 12 sends (1 is the best).
            let rank: String?
            let rank_title: String?
        }
        struct Count: Encodable {
            let label: String
            let value: String
        }
        struct Link: Encodable {
            let url: String
            let clickers: String
        }
        let title: String
        let id: String
        let subject: String?
        let segment: String?
        let from: String?
        let kind: String?
        struct ProgramLink: Encodable {
            let href: String
            let name: String
        }
        struct LinkList: Encodable {
            let items: [Link]
            /// What the top links cover (the same as the hourly curves').
            let coverage: String?
        }
        let program: ProgramLink
        let week: TitledLink
        let date: String
        /// Where the counts come from: recipient events or campaign results.
        let source: String
        let marks: [Mark]
        let note: String?
        let kpis: [KPIRow]
        let counts: [Count]
        let funnel: ChartFigure
        let providers: ProviderSection?
        /// First human opens and first clicks per hour after the send (recipient events only).
        let hourly: ChartFigure?
        let links: LinkList?
        let alerts: ItemList<AlertItem>?
        let outcomes_need_events: String?
        let outcomes: OutcomeSection?
    }

    static func render(_ ctx: SiteContext, _ send: Send) throws -> DrawnPage {
        let report = ctx.report
        let links = PageLinks(.campaign(send.id))
        let f = ctx.format
        let totals = Totals([send])
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
        let steps: [(String, Int?)] = [("sent", c.sent), ("delivered", c.delivered), ("human_opens", c.humanOpens), ("unique_clicks", c.uniqueClicks)]
        let funnelTitle = try ctx.labels.format("chart.funnel", ["campaign": send.title])
        let funnel = Funnel(
            title: funnelTitle, description: try ctx.t("chart.description_funnel"),
            steps: try steps.map { key, value in
                let share = (value != nil && (c.sent ?? 0) > 0) ? " (" + f.percent(Double(value!) / Double(c.sent!)) + ")" : ""
                return .init(label: try ctx.t("count.\(key)"), value: value, valueText: f.count(value) + share)
            })
        var hourly: ChartFigure?
        var topLinks: Model.LinkList?
        var coverage: String?
        var providers: ProviderSection?
        if let detail = report.insights?.sends[send.id] {
            providers = try ctx.providerSection([send.id], oneSend: true)
            coverage = try ctx.coverageLine(report.coverage(of: [send.id]), oneSend: true)
            let hourlyTitle = try ctx.labels.format("hourly.chart", ["campaign": send.title])
            let opens = try ctx.t("hourly.opens"), clicks = try ctx.t("hourly.clicks")
            let chart = LineChart(
                title: hourlyTitle, description: try ctx.t("hourly.description"), categories: (0..<72).map { "\($0)h" },
                series: [.init(name: opens, values: detail.opensByHour.map(Double.init), color: "s1"),
                         .init(name: clicks, values: detail.clicksByHour.map(Double.init), color: "s4")],
                words: try ctx.chartWords(), wideWidth: ChartWidth.full, format: { f.count(Int($0)) })
            hourly = ChartFigure(
                id: "hourly", title: hourlyTitle, svg: chart.svg(id: "chart-hourly"),
                figures: ctx.figuresTable(
                    caption: hourlyTitle, columns: [try ctx.t("hourly.hour"), opens, clicks],
                    rows: (0..<72).filter { detail.opensByHour[$0] + detail.clicksByHour[$0] > 0 }.map { ["\($0)", f.count(detail.opensByHour[$0]), f.count(detail.clicksByHour[$0])] }),
                coverage: coverage)
            if !detail.topLinks.isEmpty {
                topLinks = Model.LinkList(items: detail.topLinks.map { Model.Link(url: $0.url, clickers: f.count($0.clickers)) }, coverage: coverage)
            }
        }
        let model = Model(
            title: send.title, id: send.id, subject: send.subject, segment: send.segment, from: send.from,
            kind: send.kind == .regular ? nil : try ctx.t("kind.\(send.kind.rawValue)"),
            program: Model.ProgramLink(href: links.to(.program(send.program)), name: ctx.programName(send.program)),
            week: TitledLink(href: links.to(.week(send.week)), title: f.weekHeading(send.week)),
            date: f.dateTime(send.sentAt), source: try ctx.t("source.\(send.source.rawValue)"),
            marks: try ctx.marks(totals: totals, send: send), note: ctx.note(ctx.notes.campaigns[send.id]),
            kpis: try KPI.allCases.map { kpi in
                let cell = ctx.rateCell(totals, kpi)
                let rank = report.rank(of: send, by: kpi)
                return Model.KPIRow(
                    label: try ctx.kpiLabel(kpi), anchor: kpi.rawValue, value: cell.value,
                    parts: totals.rates[kpi].map { "\(f.count($0.numerator)) / \(f.count($0.denominator))" },
                    interval: cell.interval, too_few: cell.too_few, too_few_help: cell.too_few_help,
                    rank: try rank.map { try ctx.labels.format("campaign.rank", ["rank": f.count($0.rank), "of": f.count($0.of)]) },
                    rank_title: try rank.map { try ctx.labels.format("campaign.rank_help", ["of": f.count($0.of), "program": ctx.programName(send.program)]) })
            },
            counts: try counts.map { .init(label: try ctx.t("count.\($0.0)"), value: f.count($0.1)) },
            funnel: ChartFigure(
                id: "funnel", title: funnelTitle, svg: funnel.svg(id: "chart-funnel"),
                figures: ctx.figuresTable(
                    caption: funnelTitle, columns: [try ctx.t("table.step"), try ctx.t("table.recipients")],
                    rows: try steps.map { [try ctx.t("count.\($0.0)"), f.count($0.1)] })),
            providers: providers, hourly: hourly, links: topLinks,
            alerts: try ctx.alertList(report.alerts.filter { $0.campaign == send.id }, links),
            outcomes_need_events: send.kind != .regular && send.source == .aggregate ? try ctx.t("campaign.outcomes_need_events") : nil,
            outcomes: send.kind != .regular && report.reactivation[send.id] != nil
                ? try ReactivationPage.outcomeSection(ctx, [send], links, id: "outcomes", of: [send], oneSend: true) : nil)
        return try ctx.render("campaign", try ctx.chrome(links, title: send.title, section: .program(send.program)), model)
    }
}
