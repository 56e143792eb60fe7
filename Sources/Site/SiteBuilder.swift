import Foundation
import Metrics
import ReportCore

/// Draws every page and download of a report into memory: path → bytes. Writing them is `OutputWriter`'s job.
public enum SiteBuilder {
    public static func files(report: Report, notes: Notes, templates: TemplateSet) throws -> [String: Data] {
        let ctx = try SiteContext(report: report, notes: notes, templates: templates)
        // Every page is drawn from the same read-only context: the pages are drawn side by side.
        var pages: [(Route, () throws -> Data)] = [(.index, { try IndexPage.render(ctx) })]
        for week in report.weeks {
            pages.append((.week(week.week), { try WeekPage.render(ctx, week) }))
        }
        for program in report.programs {
            pages.append((.program(program.slug), { try ProgramPage.render(ctx, program) }))
        }
        for send in report.sends {
            pages.append((.campaign(send.id), { try CampaignPage.render(ctx, send) }))
        }
        pages.append((.glossary, { try GlossaryPage.render(ctx) }))
        if report.insights != nil { pages.append((.frequency, { try FrequencyPage.render(ctx) })) }
        if !report.reactivationSends.isEmpty { pages.append((.reactivation, { try ReactivationPage.render(ctx) })) }
        if SiteContext.hasMailboxPage(report) { pages.append((.mailboxProviders, { try MailboxProvidersPage.render(ctx) })) }
        if !report.experiments.isEmpty {
            pages.append((.experiments, { try ExperimentPage.renderList(ctx) }))
            for e in report.experiments { pages.append((.experiment(e.slug), { try ExperimentPage.render(ctx, e) })) }
        }
        pages.append((.notFound, { try NotFoundPage.render(ctx) }))
        pages.append((.feed, { try Feed.render(ctx) }))
        let drawn = WorkerResults<Result<Data, Error>>(pages.count)
        let work = Unchecked(pages)
        DispatchQueue.concurrentPerform(iterations: pages.count) { i in
            drawn.set(i, Result { try work.value[i].1() })
        }
        var files: [String: Data] = [:]
        let results = drawn.values
        for (i, page) in pages.enumerated() { files[page.0.outputPath] = try results[i].get() }
        for (path, data) in Downloads.files(report) { files[path] = data }
        for (path, text) in templates.files where path.hasPrefix("assets/") {
            files[path] = Data(text.utf8)
        }
        return files
    }
}
