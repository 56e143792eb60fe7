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
    private let labelTree: [String: Any]

    init(report: Report, notes: Notes, templates: TemplateSet) throws {
        self.report = report
        self.notes = notes
        self.templates = templates
        labels = try templates.labels(language: report.config.language)
        format = try Format(labels: labels, timeZone: report.config.timeZone)
        markdown = Markdown(trusted: report.config.trustedNotes)
        labelTree = labels.templateContext
    }

    func t(_ key: String) throws -> String { try labels.text(key) }

    /// The parts of every page: labels, the path back to the site root, navigation and freshness.
    func page(root: String, title: String, section: String) throws -> [String: Any] {
        var nav: [[String: Any]] = [
            ["href": root + "index.html", "label": try t("nav.overview"), "current": section == "index"],
        ]
        if let latest = report.latestWeek {
            nav.append(["href": root + "weeks/\(latest.week)/index.html", "label": try t("nav.weeks"), "current": section == "week"])
        }
        if !report.reactivationSends.isEmpty {
            nav.append(["href": root + "reactivation/index.html", "label": try t("reactivation.nav"), "current": section == "reactivation"])
        }
        if report.insights != nil {
            nav.append(["href": root + "frequency/index.html", "label": try t("frequency.nav"), "current": section == "frequency"])
        }
        nav.append(["href": root + "glossary/index.html", "label": try t("nav.glossary"), "current": section == "glossary"])
        return [
            "t": labelTree,
            "root": root,
            "lang": report.config.language,
            "page_title": title,
            "site_title": report.config.title,
            "nav": nav,
            "programs_nav": report.programs.map { ["href": root + "programs/\($0.slug)/index.html", "label": $0.name, "current": section == "program:\($0.slug)"] },
            "freshness": try labels.format("site.freshness", ["date": format.dateTime(report.newestData)]),
            "generator": "inbox-report",
        ]
    }

    func render(_ template: String, _ context: [String: Any]) throws -> Data {
        Data(try templates.render(template, context).utf8)
    }

    // MARK: - Shared pieces of page models

    /// The words a line chart's legend needs.
    func chartWords() throws -> LineChart.Words {
        let labels = self.labels
        _ = try labels.format("chart.above", ["rule": ""])  // a missing label fails here, not in a chart
        return LineChart.Words(marker: try t("chart.marker"), above: { (try? labels.format("chart.above", ["rule": $0])) ?? $0 })
    }

    func kpiLabel(_ kpi: KPI) throws -> String { try t("kpi.\(kpi.rawValue)") }

    /// A table column of a KPI: its short heading, its full name (the heading's tooltip) and its glossary entry.
    func kpiColumn(_ kpi: KPI) throws -> [String: Any] {
        ["label": try kpiLabel(kpi), "short": try t("kpi_short.\(kpi.rawValue)"), "anchor": kpi.rawValue]
    }

    /// A rate with its change against the previous week, coloured by whether the change is good.
    func rateCell(_ totals: Totals, _ kpi: KPI, change: Double? = nil, withChange: Bool = false) -> [String: Any] {
        var cell: [String: Any] = ["value": format.percent(totals.value(kpi))]
        if let r = totals.rates[kpi] {
            cell["parts"] = "\(format.count(r.numerator)) / \(format.count(r.denominator))"
        }
        if withChange {
            cell["change"] = format.points(change)
            if let change, !format.showsNoChange(change) {
                cell["change_class"] = (change > 0) == kpi.higherIsBetter ? "better" : "worse"
            } else {
                cell["change_class"] = "flat"
            }
        }
        return cell
    }

    /// Marks shown beside a figure: provisional, low volume, no proxy signal, tracking off.
    func marks(provisional: Bool = false, totals: Totals? = nil, send: Send? = nil) throws -> [[String: Any]] {
        var out: [[String: Any]] = []
        if provisional { out.append(["label": try t("mark.provisional"), "title": try t("mark.provisional_help"), "class": "provisional"]) }
        if let totals, totals.sends > 0, totals.isLowVolume(threshold: report.config.thresholds.lowVolumeDelivered) {
            out.append(["label": try t("mark.low_volume"), "title": try labels.format("mark.low_volume_help", ["n": format.count(report.config.thresholds.lowVolumeDelivered)]), "class": "low-volume"])
        }
        if let send {
            if send.noProxySignal { out.append(["label": try t("mark.no_proxy_signal"), "title": try t("mark.no_proxy_signal_help"), "class": "no-proxy"]) }
            if send.trackingOff { out.append(["label": try t("mark.tracking_off"), "title": try t("mark.tracking_off_help"), "class": "tracking-off"]) }
        } else if let totals {
            if totals.sendsWithoutProxySignal > 0 {
                out.append(["label": try t("mark.no_proxy_signal"), "title": try t("mark.no_proxy_signal_help"), "class": "no-proxy"])
            }
            if totals.sendsTrackingOff > 0 {
                out.append(["label": try t("mark.tracking_off"), "title": try t("mark.tracking_off_help"), "class": "tracking-off"])
            }
        }
        return out
    }

    func campaignHref(_ id: String, root: String) -> String {
        root + "campaigns/\(Slug.pathSegment(forID: id))/index.html"
    }

    func programName(_ slug: String) -> String {
        report.program(slug)?.name ?? slug
    }

    /// One row of a table of sends.
    func sendRow(_ s: Send, root: String) throws -> [String: Any] {
        let totals = Totals([s])
        var row: [String: Any] = [
            "href": campaignHref(s.id, root: root),
            "title": s.title,
            "id": s.id,
            "program": programName(s.program),
            "program_href": root + "programs/\(s.program)/index.html",
            "date": format.dateTime(s.sentAt),
            "delivered": format.count(s.counts.delivered),
            "human_open_rate": rateCell(totals, .humanOpenRate),
            "click_rate": rateCell(totals, .clickRate),
            "unsubscribe_rate": rateCell(totals, .unsubscribeRate),
            "complaint_rate": rateCell(totals, .complaintRate),
            "hard_bounce_rate": rateCell(totals, .hardBounceRate),
            "marks": try marks(totals: totals, send: s),
        ]
        // Mustache shows a section for any string, even an empty one: regular sends get no kind at all.
        if s.kind != .regular { row["kind"] = try t("kind.\(s.kind.rawValue)") }
        return row
    }

    /// An alert in words, with a link to what raised it.
    func alertItem(_ a: Alert, root: String) throws -> [String: Any] {
        let (value, threshold) = format.percentPair(a.value, a.threshold)
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
        let subject: String
        let href: String
        if let c = a.campaign, let s = report.send(c) {
            subject = s.title
            href = campaignHref(c, root: root)
        } else if a.program.isEmpty {
            subject = try t("frequency.title")
            href = root + "frequency/index.html"
        } else if let w = a.week {
            subject = "\(programName(a.program)) · \(format.weekTitle(w))"
            href = root + "programs/\(a.program)/index.html#week-\(w)"
        } else {
            subject = programName(a.program)
            href = root + "programs/\(a.program)/index.html"
        }
        var delivered: Int?
        if let c = a.campaign { delivered = report.send(c)?.counts.delivered }
        else if let w = a.week { delivered = report.program(a.program)?.week(w)?.totals.counts.delivered }
        var marks: [[String: Any]] = []
        if let delivered, delivered < report.config.thresholds.lowVolumeDelivered {
            marks.append(["label": try t("mark.low_volume"), "title": try labels.format("mark.low_volume_help", ["n": format.count(report.config.thresholds.lowVolumeDelivered)]), "class": "low-volume"])
        }
        return [
            "marks": marks,
            "severity": a.severity == .recommendation ? "recommendation" : "\(a.severity)",
            "severity_label": try t("severity.\(a.severity)"),
            "subject": subject,
            "href": href,
            "message": try labels.format(messageKey, values),
            "advice": try t("advice.\(a.kind.rawValue)"),
        ]
    }

    /// A list for a section that must disappear when empty: `{"items": […]}` or nothing.
    func list(_ items: [[String: Any]]) -> Any? {
        items.isEmpty ? nil : ["items": items]
    }

    /// A note rendered through cmark (safe by default: raw HTML and unsafe links dropped), its headings
    /// under the page's own `h1`.
    func note(_ markdown: String?) -> String? {
        guard let markdown, !markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return self.markdown.html(markdown, headingsBelow: 1)
    }

    /// The figures of a chart as a table, for readers who want the numbers (and for screen readers).
    func figuresTable(caption: String, columns: [String], rows: [[String]]) -> [String: Any] {
        [
            "caption": caption,
            "columns": columns,
            "rows": rows.map { r in ["label": r.first ?? "", "cells": Array(r.dropFirst())] },
        ]
    }
}
