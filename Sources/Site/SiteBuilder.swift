import Foundation
import Metrics
import ReportCore

/// Draws every page and download of a report into memory: path → bytes. Writing them is `OutputWriter`'s job.
public enum SiteBuilder {
    /// A page an earlier build drew that may stand in for drawing it again: given the page's output path and
    /// the note it shows (nil for a page without one), the bytes drawn then, or nil to draw it. A page shows
    /// the report, the templates and at most its own note, so with the same report and templates only a page
    /// whose note changed needs drawing (`BuildCache` keeps what it needs to decide).
    public typealias Reuse = (_ path: String, _ note: String?) -> Data?

    /// A page an earlier build drew with this digest (`PageDigest`), whatever its report: its bytes as written
    /// and where their chrome slots are, or nil (`ChromeSlot`). The digest covers what the page shows, so
    /// its bytes with today's freshness and latest-week link in the slots are the page drawn again.
    public typealias Earlier = (_ digest: UInt64) -> (bytes: Data, slots: [SlotPosition])?

    /// A site drawn: every file by path, and for each page that may stand in for a later build's of the
    /// same digest, its digest and slots.
    public struct Drawn {
        public var files: [String: Data]
        public var pages: [String: (digest: UInt64, slots: [SlotPosition])]
    }

    public static func files(report: Report, notes: Notes, templates: TemplateSet, reuse: Reuse? = nil) throws -> [String: Data] {
        try draw(report: report, notes: notes, templates: templates, reuse: reuse).files
    }

    /// - Parameters:
    ///   - reuse: pages that stand in for drawing them, by path and note (the same report as before).
    ///   - earlier: pages that stand in for drawing them, by digest (any report).
    public static func draw(report: Report, notes: Notes, templates: TemplateSet, reuse: Reuse? = nil,
                            earlier: Earlier? = nil) throws -> Drawn {
        let ctx = try SiteContext(report: report, notes: notes, templates: templates, earlier: earlier)
        // Every page is drawn from the same read-only context: the pages are drawn side by side.
        // Each page with the note it shows, if any (the one its render reads).
        var pages: [(Route, String?, () throws -> DrawnPage)] = [(.index, nil, { try IndexPage.render(ctx) })]
        for week in report.weeks {
            pages.append((.week(week.week), notes.weeks[week.week], { try WeekPage.render(ctx, week) }))
        }
        for program in report.programs {
            pages.append((.program(program.slug), notes.programs[program.slug], { try ProgramPage.render(ctx, program) }))
        }
        for send in report.sends {
            pages.append((.campaign(send.id), notes.campaigns[send.id], { try CampaignPage.render(ctx, send) }))
        }
        pages.append((.glossary, nil, { try GlossaryPage.render(ctx) }))
        if report.insights != nil { pages.append((.frequency, nil, { try FrequencyPage.render(ctx) })) }
        if !report.reactivationSends.isEmpty { pages.append((.reactivation, nil, { try ReactivationPage.render(ctx) })) }
        if SiteContext.hasMailboxPage(report) { pages.append((.mailboxProviders, nil, { try MailboxProvidersPage.render(ctx) })) }
        if !report.experiments.isEmpty {
            pages.append((.experiments, nil, { try ExperimentPage.renderList(ctx) }))
            for e in report.experiments { pages.append((.experiment(e.slug), notes.experiments[e.slug], { try ExperimentPage.render(ctx, e) })) }
        }
        pages.append((.notFound, nil, { try NotFoundPage.render(ctx) }))
        pages.append((.feed, nil, { try Feed.render(ctx) }))
        var files: [String: Data] = [:]
        if let reuse {
            pages.removeAll { page in
                guard let data = reuse(page.0.outputPath, page.1) else { return false }
                files[page.0.outputPath] = data
                return true
            }
        }
        let drawn = WorkerResults<Result<DrawnPage, Error>>(pages.count)
        let work = Unchecked(pages)
        DispatchQueue.concurrentPerform(iterations: pages.count) { i in
            drawn.set(i, Result { try work.value[i].2() })
        }
        let results = drawn.values
        var marks: [String: (digest: UInt64, slots: [SlotPosition])] = [:]
        for (i, page) in pages.enumerated() {
            let one = try results[i].get()
            files[page.0.outputPath] = one.bytes
            if let digest = one.digest { marks[page.0.outputPath] = (digest, one.slots) }
        }
        // The downloads show the report alone: with the same report, the files the last build wrote. They are
        // made all together, when any of them is not there as it was written.
        let downloads = Downloads.paths.map { path in (path, reuse?(path, nil)) }
        let made = downloads.contains { $0.1 == nil } ? Downloads.files(report) : [:]
        for (path, data) in downloads { files[path] = data ?? made[path] }
        for (path, text) in templates.files where path.hasPrefix("assets/") {
            files[path] = Data(text.utf8)
        }
        return Drawn(files: files, pages: marks)
    }
}
