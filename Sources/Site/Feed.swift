import Foundation
import Metrics
import ReportCore

/// `feed.xml`: an Atom feed with one entry per weekly report, newest first. Links are absolute when the
/// project has a `base_url`, otherwise relative to the feed (which Atom resolves against the feed's URL).
enum Feed {
    struct Model: Encodable {
        struct Entry: Encodable {
            let title: String
            let href: String
            let id: String
            let updated: String
            let summary: String
        }
        let t: LabelTree
        let title: String
        let id: String
        let self_href: String
        let home_href: String
        let updated: String
        let lang: String
        let entries: [Entry]
    }

    static func render(_ ctx: SiteContext) throws -> DrawnPage {
        let report = ctx.report
        let base = report.config.baseURL.map(PageLinks.folder) ?? ""
        let calendar = WeekCalendar(timeZone: TimeZone(identifier: "UTC")!)
        // The English and the Swedish feed of one report are two feeds: their ids differ by language.
        let idBase = "urn:inbox-report:\(Slug.make(report.config.title)):\(report.config.language)"
        let entries = try report.weeks.reversed().map { w -> Model.Entry in
            let lastSend = w.sendIDs.compactMap(report.send).map(\.sentAt).max() ?? report.newestData
            let alerts = report.alerts(in: w.week)
            let critical = alerts.filter { $0.severity == .critical }.count
            let warnings = alerts.filter { $0.severity == .warning }.count
            return Model.Entry(
                title: ctx.format.weekHeading(w.week),
                href: base + Route.week(w.week).outputPath,
                id: "\(idBase):week:\(w.week)",
                updated: calendar.iso8601(min(report.newestData, max(lastSend, calendar.end(of: w.week)))).replacingOccurrences(of: "+00:00", with: "Z"),
                summary: try ctx.labels.format("feed.summary", [
                    "sends": ctx.format.count(w.sendIDs.count),
                    "human_open_rate": ctx.format.percent(w.totals.value(.humanOpenRate)),
                    "complaint_rate": ctx.format.percent(w.totals.value(.complaintRate)),
                    "critical": ctx.format.count(critical), "warnings": ctx.format.count(warnings),
                ]))
        }
        let model = Model(
            t: LabelTree(ctx.labels.templateContext), title: report.config.title, id: idBase,
            self_href: base + Route.feed.outputPath, home_href: base + Route.index.outputPath,
            updated: calendar.iso8601(report.newestData).replacingOccurrences(of: "+00:00", with: "Z"),
            lang: report.config.language, entries: entries)
        return DrawnPage(Data(try ctx.templates.render("feed", model: model).utf8))
    }
}
