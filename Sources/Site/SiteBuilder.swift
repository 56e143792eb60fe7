import Foundation
import Metrics
import ReportCore

/// Draws every page and download of a report into memory: path → bytes. Writing them is `OutputWriter`'s job.
public enum SiteBuilder {
    public static func files(report: Report, notes: Notes, templates: TemplateSet) throws -> [String: Data] {
        let ctx = try SiteContext(report: report, notes: notes, templates: templates)
        var files: [String: Data] = [:]
        files["index.html"] = try IndexPage.render(ctx)
        for week in report.weeks {
            files["weeks/\(week.week)/index.html"] = try WeekPage.render(ctx, week)
        }
        for program in report.programs {
            files["programs/\(program.slug)/index.html"] = try ProgramPage.render(ctx, program)
        }
        for send in report.sends {
            files["campaigns/\(Slug.pathSegment(forID: send.id))/index.html"] = try CampaignPage.render(ctx, send)
        }
        files["glossary/index.html"] = try GlossaryPage.render(ctx)
        if report.insights != nil { files["frequency/index.html"] = try FrequencyPage.render(ctx) }
        if !report.reactivationSends.isEmpty { files["reactivation/index.html"] = try ReactivationPage.render(ctx) }
        files["404.html"] = try NotFoundPage.render(ctx)
        files["feed.xml"] = try Feed.render(ctx)
        for (path, data) in Downloads.files(report) { files[path] = data }
        for (path, text) in templates.files where path.hasPrefix("assets/") {
            files[path] = Data(text.utf8)
        }
        return files
    }
}
