import Foundation
import Metrics
import ReportCore

/// What every page model needs: the report, the words, the number formats, Markdown and the templates.
struct SiteContext {
    let report: Report
    let notes: Notes
    let labels: Labels
    let format: Format
    let templates: TemplateSet
    let markdown: Markdown
    private let labelTree: LabelTree
    /// The pages the last build drew, by digest.
    let earlier: SiteBuilder.Earlier?

    init(report: Report, notes: Notes, templates: TemplateSet, earlier: SiteBuilder.Earlier? = nil) throws {
        self.report = report
        self.notes = notes
        self.templates = templates
        self.earlier = earlier
        labels = try templates.labels(language: report.config.language)
        format = try Format(labels: labels, timeZone: report.config.timeZone)
        markdown = Markdown(trusted: report.config.trustedNotes)
        labelTree = LabelTree(labels.templateContext)
    }

    func t(_ key: String) throws -> String { try labels.text(key) }

    /// The parts of every page: labels, the way to the site's root, navigation and freshness. `section`
    /// says which navigation entry is the current one.
    func chrome(_ links: PageLinks, title: String, section: Section) throws -> Chrome {
        var nav = [NavLink(href: links.to(.index), label: try t("nav.overview"), current: section == .index)]
        var latestWeekLink: Int?
        if let latest = report.latestWeek {
            latestWeekLink = nav.count
            nav.append(NavLink(href: links.to(.week(latest.week)), label: try t("nav.weeks"), current: section == .week))
        }
        if !report.reactivationSends.isEmpty {
            nav.append(NavLink(href: links.to(.reactivation), label: try t("reactivation.nav"), current: section == .reactivation))
        }
        if report.insights != nil {
            nav.append(NavLink(href: links.to(.frequency), label: try t("frequency.nav"), current: section == .frequency))
        }
        if !report.experiments.isEmpty {
            nav.append(NavLink(href: links.to(.experiments), label: try t("experiment.nav"), current: section == .experiment))
        }
        if Self.hasMailboxPage(report) {
            nav.append(NavLink(href: links.to(.mailboxProviders), label: try t("mailbox.nav"), current: section == .mailboxProviders))
        }
        nav.append(NavLink(href: links.to(.glossary), label: try t("nav.glossary"), current: section == .glossary))
        return Chrome(
            t: labelTree, root: links.root, lang: report.config.language, page_title: title, site_title: report.config.title,
            nav: nav,
            programs_nav: report.programs.map { NavLink(href: links.to(.program($0.slug)), label: $0.name, current: section == .program($0.slug)) },
            freshness: try labels.format("site.freshness", ["date": format.dateTime(report.newestData)]),
            generator: "inbox-report", custom_css: templates.files[Self.customCSS] != nil
        ).linkingLatestWeek(at: latestWeekLink)
    }

    /// The mailbox-providers page exists when Postmaster or SNDS data, or bounce reasons, are there to show.
    static func hasMailboxPage(_ report: Report) -> Bool {
        !report.mailboxProviders.isEmpty || !(report.insights?.bounceReasons.isEmpty ?? true)
    }

    /// The project's own additions to the stylesheet, under its `templates/`.
    static let customCSS = "assets/custom.css"

    /// Every stylesheet as one text, for pages that must stand alone: the default, then custom.css.
    var inlineCSS: String {
        (templates.files["assets/style.css"] ?? "") + (templates.files[Self.customCSS].map { "\n" + $0 } ?? "")
    }

    /// Which part of the site a page belongs to, for the navigation.
    enum Section: Equatable {
        case index, week, reactivation, frequency, experiment, mailboxProviders, glossary, notFound
        case program(String)
    }

    /// Draws a page: its model and chrome through its template, or takes it from the last build when that drew
    /// a page of the same digest (`ChromeSlot`).
    func render<Model: Encodable>(_ template: String, _ chrome: Chrome, _ model: Model) throws -> DrawnPage {
        try templates.draw(template, Page(chrome: chrome, model: model), earlier: earlier)
    }

    // MARK: - Shared pieces of page models

    /// The words a line chart's legend needs.
    func chartWords() throws -> LineChart.Words {
        let labels = self.labels
        _ = try labels.format("chart.above", ["rule": ""])  // a missing label fails here, not in a chart
        _ = try labels.format("chart.interval", ["series": ""])
        return LineChart.Words(
            marker: try t("chart.marker"), above: { (try? labels.format("chart.above", ["rule": $0])) ?? $0 },
            interval: { (try? labels.format("chart.interval", ["series": $0])) ?? $0 })
    }

    func kpiLabel(_ kpi: KPI) throws -> String { try t("kpi.\(kpi.rawValue)") }

    /// A table column of a KPI: its short heading, its full name (the heading's tooltip) and its glossary entry.
    func kpiColumn(_ kpi: KPI) throws -> KPIColumn {
        KPIColumn(label: try kpiLabel(kpi), short: try t("kpi_short.\(kpi.rawValue)"), anchor: kpi.rawValue)
    }

    /// A rate with its 95 % interval, and where asked its change against the previous week (coloured only
    /// when the change's interval excludes zero and the change is good or bad) and the program's usual range.
    func rateCell(_ totals: Totals, _ kpi: KPI, change: Estimate? = nil, withChange: Bool = false, usual: UsualRange? = nil) -> RateCell {
        let ratio = totals.rates[kpi]
        let range = format.percentRange(ratio?.interval)
        var cell = RateCell(
            value: format.percent(totals.value(kpi)),
            parts: ratio.map { r in
                let parts = "\(format.count(r.numerator)) / \(format.count(r.denominator))"
                return range.map { (try? labels.format("interval.tooltip", ["parts": parts, "range": $0])) ?? parts } ?? parts
            },
            interval: range)
        if let ratio, ratio.isTooFewToJudge, let range {
            cell.too_few = true
            cell.too_few_help = try? labels.format("interval.too_few_help", ["range": range])
        }
        if withChange {
            cell.change = format.points(change?.value)
            if let change, !format.showsNoChange(change.value) {
                let real = change.interval.excludesZero
                cell.change_class = real ? ((change.value > 0) == kpi.higherIsBetter ? "better" : "worse") : "flat"
                cell.change_title = try? labels.format(real ? "interval.change_real" : "interval.change_chance",
                                                       ["range": format.pointsRange(change.interval)])
            } else {
                cell.change_class = "flat"
            }
        }
        if let usual, let range = format.percentRange(Interval(usual.lower, usual.upper)) {
            cell.usual = range
            cell.usual_title = try? labels.format("interval.usual_help", ["n": format.count(usual.weeks), "median": format.percent(usual.median)])
            if let v = totals.value(kpi) { cell.usual_class = usual.position(of: v).rawValue }
        }
        return cell
    }

    /// Marks shown beside a figure: provisional, no proxy signal, tracking off. (How sure each rate is, is
    /// said in its own cell: `RateCell.too_few`.)
    func marks(provisional: Bool = false, totals: Totals? = nil, send: Send? = nil) throws -> [Mark] {
        var out: [Mark] = []
        if provisional { out.append(Mark(label: try t("mark.provisional"), title: try t("mark.provisional_help"), class: "provisional")) }
        let noProxy = send.map(\.noProxySignal) ?? ((totals?.sendsWithoutProxySignal ?? 0) > 0)
        let trackingOff = send.map(\.trackingOff) ?? ((totals?.sendsTrackingOff ?? 0) > 0)
        if noProxy { out.append(Mark(label: try t("mark.no_proxy_signal"), title: try t("mark.no_proxy_signal_help"), class: "no-proxy")) }
        if trackingOff { out.append(Mark(label: try t("mark.tracking_off"), title: try t("mark.tracking_off_help"), class: "tracking-off")) }
        return out
    }

    func programName(_ slug: String) -> String {
        report.program(slug)?.name ?? slug
    }

    /// One row of a table of sends.
    func sendRow(_ s: Send, _ links: PageLinks) throws -> SendRow {
        let totals = Totals([s])
        return SendRow(
            href: links.to(.campaign(s.id)), title: s.title, id: s.id, program: programName(s.program),
            program_href: links.to(.program(s.program)), date: format.dateTime(s.sentAt), delivered: format.count(s.counts.delivered),
            human_open_rate: rateCell(totals, .humanOpenRate), click_rate: rateCell(totals, .clickRate),
            unsubscribe_rate: rateCell(totals, .unsubscribeRate), complaint_rate: rateCell(totals, .complaintRate),
            hard_bounce_rate: rateCell(totals, .hardBounceRate),
            cells: Columns.sends.map { rateCell(totals, $0) },
            marks: try marks(totals: totals, send: s),
            // Mustache shows a section for any string, even an empty one: regular sends get no kind at all.
            kind: s.kind == .regular ? nil : try t("kind.\(s.kind.rawValue)"))
    }

    /// An alert in words, with a link to what raised it.
    func alertItem(_ a: Alert, _ links: PageLinks) throws -> AlertItem {
        var (value, threshold) = format.percentPair(a.value, a.threshold)
        if let range = format.percentRange(a.interval) { value += " (\(range))" }
        var values: [String: String] = [
            "value": value, "threshold": threshold,
            "baseline": format.percent(a.baseline), "address": a.address ?? "",
            "level": try t("severity.\(a.severity)"),
            "kpi": try a.kpi.map(kpiLabel) ?? "",
        ]
        var messageKey = "alert.\(a.kind.rawValue)"
        if a.kind == .unsubscribeSpike {
            values["factor"] = format.number(report.config.thresholds.unsubscribeSpike, decimals: 1)
            if let n = a.count, a.baseline == 0 {
                values["count"] = format.count(n)
                messageKey = "alert.unsubscribe_spike_from_zero"
            }
        }
        if a.kind == .frequency {
            values["count"] = format.count(Int(a.baseline ?? 0))
            values["limit"] = format.count(Int(a.threshold ?? 0))
            values["value"] = format.percent(a.value)
        }
        if a.kind == .humanOpenDrop { values["factor"] = format.number(report.config.thresholds.humanOpenDrop, decimals: 1) }
        if let n = a.count { values["count"] = values["count"] ?? format.count(n) }
        if let d = a.day { values["day"] = format.day(d) }
        if let detail = a.detail {
            values["requirement"] = (try? t("compliance.\(detail.lowercased())")) ?? detail
            values["filter"] = (try? t("snds.\(detail.lowercased())")) ?? detail
        }
        if a.kind == .gmailSpamRate || a.kind == .gmailDivergence {
            values["domain"] = a.subject ?? ""
            // Beside the 0.1 % line it stays under, with enough decimals not to print as 0.10 %.
            values["own"] = format.percentPair(a.baseline, GmailRules.spamRateWarning).0
            (values["value"], values["threshold"]) = format.percentPair(a.value, a.threshold)
        }
        let subject: String
        let href: String
        if a.isMailboxProvider {
            let source = a.kind == .sndsFilter || a.kind == .spamTrapHits ? "snds" : "gmail"
            subject = "\(try t("mailbox.source_\(source)")) · \(a.subject ?? "")" + (a.week.map { " · " + format.weekTitle($0) } ?? "")
            href = links.to(.mailboxProviders, fragment: "\(source)-\(Slug.make(a.subject ?? ""))")
        } else if let c = a.campaign, let s = report.send(c) {
            subject = s.title
            href = links.to(.campaign(c))
        } else if a.program.isEmpty {
            subject = try t("frequency.title")
            href = links.to(.frequency)
        } else if let w = a.week {
            subject = "\(programName(a.program)) · \(format.weekTitle(w))"
            href = links.to(.program(a.program), fragment: "week-\(w)")
        } else {
            subject = programName(a.program)
            href = links.to(.program(a.program))
        }
        var marks: [Mark] = []
        if let c = a.certainty {
            marks.append(Mark(label: try t("interval.\(c.rawValue)"), title: try t("interval.\(c.rawValue)_help"), class: c.rawValue))
        }
        return AlertItem(
            marks: marks,
            severity: a.severity == .recommendation ? "recommendation" : "\(a.severity)",
            severity_label: try t("severity.\(a.severity)"),
            subject: subject, href: href,
            message: try labels.format(messageKey, values),
            advice: try t("advice.\(a.kind.rawValue)"))
    }

    /// Alerts as a list that disappears when empty.
    func alertList(_ alerts: [Alert], _ links: PageLinks) throws -> ItemList<AlertItem>? {
        .of(try alerts.map { try alertItem($0, links) })
    }

    /// A note rendered through cmark (safe by default: raw HTML and unsafe links dropped), its headings
    /// under the page's own `h1`.
    func note(_ markdown: String?) -> String? {
        guard let markdown, !markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return self.markdown.html(markdown, headingsBelow: 1)
    }

    /// The figures of a chart as a table, for readers who want the numbers (and for screen readers): each
    /// row's first cell is its label.
    func figuresTable(caption: String, columns: [String], rows: [[String]]) -> FiguresTable {
        FiguresTable(caption: caption, columns: columns, rows: rows.map { .init(label: $0.first ?? "", cells: Array($0.dropFirst())) })
    }
}
