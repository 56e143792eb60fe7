import EventFold
import Foundation
import Metrics
import ReportCore

/// `reactivation/index.html`: every win-back and re-activation send, its outcomes, and the effect on its program.
enum ReactivationPage {
    struct Model: Encodable {
        struct SendLink: Encodable {
            let title: String
            let href: String
            let date: String
        }
        struct AggregateOnly: Encodable {
            let note: String
            let items: [SendLink]
        }
        struct Pair: Encodable {
            let before: String
            let after: String
            /// `better` or `worse`; nil when the two read the same.
            let `class`: String?
        }
        struct BeforeAfterRow: Encodable {
            let title: String
            let href: String
            let program: String
            /// Delivered messages per regular send before and after.
            let list_before: String
            let list_after: String
            let cells: [Pair]
        }
        struct BeforeAfterSection: Encodable {
            let items: [BeforeAfterRow]
            let has_rows: Bool
            /// How many sends are left out because their 4 weeks after have not passed.
            let waiting: String?
        }
        struct OutcomeHelp: Encodable {
            let `class`: String
            let name: String
            let help: String
        }
        let intro: String
        let outcomes: OutcomeSection?
        let aggregate_only: AggregateOnly?
        let before_after: BeforeAfterSection?
        let trends: ItemList<ChartFigure>?
        let none: String?
        let outcome_help: [OutcomeHelp]
    }

    static func render(_ ctx: SiteContext) throws -> DrawnPage {
        let links = PageLinks(.reactivation)
        let report = ctx.report
        let f = ctx.format
        let sends = report.reactivationSends
        let withEvents = sends.filter { report.reactivation[$0.id] != nil }
        let aggregateOnly = sends.filter { report.reactivation[$0.id] == nil }
        // A send whose 4 weeks after have not passed has no "after" yet: left out, and the section says how many.
        let compared = sends.filter { report.beforeAfter[$0.id]?.afterIsComplete == true }
        let waiting = sends.filter { report.beforeAfter[$0.id]?.afterIsComplete == false }.count
        var beforeAfter: Model.BeforeAfterSection?
        if !compared.isEmpty || waiting > 0 {
            beforeAfter = Model.BeforeAfterSection(
                items: try compared.compactMap { s in try report.beforeAfter[s.id].map { try beforeAfterRow(ctx, s, $0, links) } },
                has_rows: !compared.isEmpty,
                waiting: waiting > 0 ? try ctx.labels.format("reactivation.before_after_waiting", ["n": f.count(waiting)]) : nil)
        }
        // Win-back programs: the re-engagement rate of each win-back send over time.
        var trends: [ChartFigure] = []
        for program in report.programs {
            let winbacks = withEvents.filter { $0.program == program.slug && $0.kind == .winback && report.reactivation[$0.id]?.pending == false }
            guard winbacks.count >= 2 else { continue }
            let title = try ctx.labels.format("reactivation.winback_trend", ["program": program.name])
            let label = try ctx.t("reactivation.re_engagement_rate")
            let values = winbacks.map { report.reactivation[$0.id]?.share(.reEngaged) }
            let chart = LineChart(
                title: title, description: try ctx.t("reactivation.winback_trend_description"),
                categories: winbacks.map { f.weekShort($0.week) }, series: [.init(name: label, values: values, color: "s3")],
                words: try ctx.chartWords(), wideWidth: ChartWidth.full, format: { f.percent($0) })
            trends.append(ChartFigure(
                id: "winback-\(program.slug)", title: title, svg: chart.svg(id: "chart-winback-\(program.slug)"),
                figures: ctx.figuresTable(caption: title, columns: [try ctx.t("reactivation.send"), label],
                                          rows: winbacks.enumerated().map { i, s in [s.title, f.percent(values[i])] })))
        }
        let model = Model(
            intro: try ctx.labels.format("reactivation.intro", ["days": String(report.config.responseWindowDays)]),
            outcomes: withEvents.isEmpty ? nil : try outcomeSection(ctx, withEvents, links, id: "outcomes", of: sends),
            aggregate_only: aggregateOnly.isEmpty ? nil : Model.AggregateOnly(
                note: try ctx.t("reactivation.needs_events"),
                items: aggregateOnly.map { .init(title: $0.title, href: links.to(.campaign($0.id)), date: f.date($0.sentAt)) }),
            before_after: beforeAfter, trends: .of(trends),
            none: sends.isEmpty ? try ctx.t("reactivation.none") : nil,
            outcome_help: try Outcome.allCases.map { .init(class: "o-\($0.key)", name: try ctx.t("outcome.\($0.key)"), help: try ctx.t("outcome.help_\($0.key)")) })
        return try ctx.render("reactivation", try ctx.chrome(links, title: try ctx.t("reactivation.title"), section: .reactivation), model)
    }

    /// The outcome bars and table of some sends (the reactivation page, a campaign page, a week page); `scope`
    /// is the sends the section speaks for, for its coverage line (some may have no recipient events), and
    /// `oneSend` says it is one send's own page.
    static func outcomeSection(_ ctx: SiteContext, _ sends: [Send], _ links: PageLinks, id: String, of scope: [Send],
                               oneSend: Bool = false) throws -> OutcomeSection {
        let f = ctx.format
        let results = sends.compactMap { ctx.report.reactivation[$0.id] }
        let title = try ctx.t("reactivation.chart")
        let chart = StackedBarChart(
            title: title, description: try ctx.t("reactivation.description"),
            categories: try sends.map { "\(f.weekShort($0.week)) · \(try ctx.t("kind.\($0.kind.rawValue)"))" },
            segments: try Outcome.allCases.map { o in
                .init(name: try ctx.t("outcome.\(o.key)"), cssClass: "o-\(o.key)", values: results.map { $0.count(o) })
            },
            orientation: .horizontal, format: { f.percent($0) })
        let rows = try zip(sends, results).map { s, r in
            OutcomeSection.Row(
                title: s.title, href: links.to(.campaign(s.id)), kind: try ctx.t("kind.\(s.kind.rawValue)"),
                program: ctx.programName(s.program), date: f.date(s.sentAt),
                status: r.pending ? try ctx.labels.format("reactivation.pending", ["date": f.date(r.windowEnd)])
                                  : try ctx.labels.format("reactivation.decided", ["date": f.date(r.windowEnd)]),
                pending: r.pending, targeted: f.count(r.targeted), delivered: f.count(r.delivered),
                cells: Outcome.allCases.map { o in
                    .init(count: f.count(r.count(o)), share: f.percent(r.share(o)),
                          share_title: f.percentRange(r.ratio(o).interval).flatMap { try? ctx.labels.format("interval.share", ["range": $0]) })
                },
                late: f.count(r.lateEngagers))
        }
        return OutcomeSection(
            id: id, title: title, svg: chart.svg(id: "chart-\(id)"), rows: rows,
            coverage: try ctx.coverageLine(Coverage(scope), oneSend: oneSend),
            columns: try Outcome.allCases.map { .init(name: try ctx.t("outcome.\($0.key)"), class: "o-\($0.key)", help: try ctx.t("outcome.help_\($0.key)")) })
    }

    static func beforeAfterRow(_ ctx: SiteContext, _ s: Send, _ ba: BeforeAfter, _ links: PageLinks) throws -> Model.BeforeAfterRow {
        let f = ctx.format
        func pair(_ kpi: KPI) -> Model.Pair {
            let a = ba.before.value(kpi), b = ba.after.value(kpi)
            // Coloured only where the two figures read differently: an unchanged value is no news.
            var cls: String?
            if let a, let b, f.percent(a) != f.percent(b) { cls = (b > a) == kpi.higherIsBetter ? "better" : "worse" }
            return Model.Pair(before: f.percent(a), after: f.percent(b), class: cls)
        }
        return Model.BeforeAfterRow(
            title: s.title, href: links.to(.campaign(s.id)), program: ctx.programName(s.program),
            list_before: ba.deliveredPerSendBefore.map { f.count(Int($0.rounded())) } ?? "—",
            list_after: ba.deliveredPerSendAfter.map { f.count(Int($0.rounded())) } ?? "—",
            cells: Columns.beforeAfter.map(pair))
    }
}
