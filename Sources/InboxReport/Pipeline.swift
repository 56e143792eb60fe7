import EventFold
import Foundation
import Metrics
import Reading
import ReportCore
import Site

/// What a build or check was asked to do.
public struct BuildOptions: Sendable {
    public var output: URL?
    public var lenient: Bool
    /// Overrides `language:` of report.yml (`en`, `sv`).
    public var language: String?
    /// Use the project's build cache (`BuildCache`); false for `--no-cache`.
    public var useCache: Bool
    public init(output: URL? = nil, lenient: Bool = false, language: String? = nil, useCache: Bool = true) {
        self.output = output
        self.lenient = lenient
        self.language = language
        self.useCache = useCache
    }
}

/// The one-line story of a build.
public struct BuildSummary: Sendable {
    public var inputFiles: Int
    public var eventRows: Int
    /// Aggregate table files read in place of recipient events (`docs/aggregates.md`); 0 for a project of events.
    public var aggregateTables: Int
    /// What the recipient-level data was, for the one-line story: "9 events" or "7 aggregate tables".
    public var recipientData: String {
        aggregateTables > 0 ? "\(aggregateTables) aggregate table\(aggregateTables == 1 ? "" : "s")" : "\(eventRows) events"
    }
    public var sends: Int
    public var pages: Int
    public var files: Int
    public var changedFiles: Int
    public var seconds: Double
    public var warnings: [Diagnostic]
    public var output: URL?
    public var skippedRows: Int
    public var unknownColumns: [String: [String]]
}

/// A build step, named as the progress line shows it: `[2/4] Computing metrics`.
public enum BuildStep: Int, Sendable, CaseIterable {
    case reading = 1, computing, drawing, writing

    public var title: String {
        switch self {
        case .reading: return "Reading inputs"
        case .computing: return "Computing metrics"
        case .drawing: return "Drawing pages"
        case .writing: return "Writing the site"
        }
    }
}

/// Reads, computes, draws and writes a report project: the whole pipeline as one call.
public struct ReportProject: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var defaultOutput: URL { root.appending(path: "public") }

    /// Reads every input and computes the report. Writes nothing but the build cache: only data files that
    /// changed since the cache last saw them are read again, and when none did the cached report is used.
    public func compute(options: BuildOptions, cache: BuildCache? = nil, step: (BuildStep) -> Void = { _ in },
                        progress: ((String, Int64, Int64) -> Void)? = nil) throws -> (Report, ProjectInput) {
        let computed = try computeWithEvents(options: options, cache: cache, step: step, progress: progress)
        return (computed.report, computed.input)
    }

    /// A computed report and what it was computed from.
    struct Computed {
        var report: Report
        var input: ProjectInput
        /// The folded recipient events, when they were read (not when the report came whole from the cache).
        var events: EventAccumulator?
        /// The project's aggregate tables, when its `data/` holds them in place of events.
        var aggregates: RecipientAggregates?
        /// What the report asked of the recipient events, when `recordsAggregates`.
        var recorded: RecipientAggregates?
    }

    /// The cache a command uses when it is given none: the project's, unless `--no-cache`. (Whoever passes
    /// a cache in adds its `settled()` warnings once done with it; with none, `computeWithEvents` does.)
    func cache(for options: BuildOptions) -> BuildCache { BuildCache(project: root, enabled: options.useCache) }

    /// The same, with the folded recipient events when `needsEvents` (the suppression export needs recipients),
    /// and what the report asked of them when `recordsAggregates` (the aggregate export).
    func computeWithEvents(options: BuildOptions, cache: BuildCache? = nil, needsEvents: Bool = false, recordsAggregates: Bool = false,
                           step: (BuildStep) -> Void = { _ in }, progress: ((String, Int64, Int64) -> Void)? = nil) throws -> Computed {
        Timing.start()
        step(.reading)
        let ownCache = cache == nil
        let cache = cache ?? self.cache(for: options)
        let reader = ProjectReader(root: root, options: ReadOptions(lenient: options.lenient, sumsContent: cache.enabled && cache.writes))
        var config = try reader.loadConfig()
        if let language = options.language { config.language = language }
        let configText = (try? String(contentsOf: root.appending(path: ConfigLoader.fileName), encoding: .utf8)) ?? ""
        let listing = try reader.dataListing()
        let files = listing.files
        let session = BuildCache.Session(cache: cache, key: BuildCache.key(configText: configText, options: options))
        let inputs = try cache.inputs(session: session, reader: reader, config: config, files: files,
                                      needsEvents: needsEvents || recordsAggregates, progress: progress)
        var input = ProjectInput(config: config, contributions: inputs.contributions)
        if let notice = listing.hiddenNotice { input.warnings.append(notice) }
        if files.isEmpty {
            input.warnings.append(Diagnostic("no input files: put campaign results or recipient events under data/", at: SourceLocation(file: "data")))
        }
        try input.addNotes(reader.readNotes())
        Timing.mark("read")
        step(.computing)
        let (mailbox, mailboxWarnings) = try input.mailbox.resolved()
        input.warnings += mailboxWarnings
        let aggregates = try AggregateTables.assemble(input.aggregateTables)
        if let report = inputs.report {
            cache.finish(session: session, report: report, events: nil)  // keeps a touched file's new time
            if ownCache { input.warnings += cache.settled() }
            return Computed(report: report, input: input, aggregates: aggregates)  // no data file changed: only notes or templates did
        }
        let evidence = try Self.evidence(events: inputs.events, aggregates: aggregates, input: input)
        let recorder = recordsAggregates ? evidence.map(RecordingEvidence.init) : nil
        let report = try ReportBuilder.build(config: input.config, rows: input.campaignRows, evidence: recorder ?? evidence, mailboxProviders: mailbox)
        Timing.mark("metrics")
        cache.finish(session: session, report: report, events: inputs.events)
        if ownCache { input.warnings += cache.settled() }
        return Computed(report: report, input: input, events: inputs.events, aggregates: aggregates, recorded: recorder?.aggregates)
    }

    /// The recipient-level data of a build: the folded events or the aggregate tables, never both (the tables
    /// are computed from events, so both would count the same messages twice).
    static func evidence(events: EventAccumulator?, aggregates: RecipientAggregates?, input: ProjectInput) throws -> (any RecipientEvidence)? {
        guard let aggregates else { return events }
        if let events, events.eventCount > 0 {
            throw ReportError("data/ holds aggregate tables (\(aggregates.folder ?? "")) and recipient events (\(events.eventCount) events): the tables are computed from events, so the two would count the same messages twice; keep one of them under data/")
        }
        return aggregates
    }

    /// Draws every file of the site in memory.
    public func draw(_ report: Report, notes: Notes) throws -> [String: Data] {
        let templates = try TemplateSet(projectTemplates: root.appending(path: "templates"))
        return try SiteBuilder.files(report: report, notes: notes, templates: templates)
    }

    /// `inbox-report build`: the site written whole to the output folder, or nothing written at all. When no
    /// data file changed, only the pages whose note changed are drawn again (`BuildCache.reuse`).
    public func build(options: BuildOptions, cache: BuildCache? = nil, step: (BuildStep) -> Void = { _ in },
                      progress: ((String, Int64, Int64) -> Void)? = nil) throws -> BuildSummary {
        let start = Date()
        let output = (options.output ?? defaultOutput).standardizedFileURL
        try checkOutput(output)  // before any work, so a wrong --output fails at once
        let writer = OutputWriter(output: output)
        let cache = cache ?? self.cache(for: options)
        // The templates need nothing of the report: parsed beside reading it (about 20 ms, which a note edit
        // would otherwise wait for). A template that does not parse is still said after the inputs' errors.
        let templatesDir = root.appending(path: "templates")
        let parsing = Ahead { try TemplateSet(projectTemplates: templatesDir) }
        var (report, input) = try compute(options: options, cache: cache, step: step, progress: progress)
        step(.drawing)
        let templates = try parsing.value()
        let drawing = templates.checksum
        let site = try SiteBuilder.draw(report: report, notes: input.notes, templates: templates,
                                        reuse: cache.reuse(drawing: drawing, output: output),
                                        earlier: cache.earlier(drawing: drawing, output: output))
        let files = site.files
        Timing.say("pages taken from the output folder: \(cache.lastReused) as they were, \(cache.lastRefilled) with new chrome slots")
        Timing.mark("draw")
        step(.writing)
        let changed = try writer.write(files)
        cache.recordSite(drawing: drawing, output: output, site: site)
        Timing.mark("write")
        input.warnings += cache.settled()
        Timing.mark("cache")
        return summary(report, input, files: files, changed: changed.count, output: output, start: start)
    }

    /// `inbox-report export report`: one week as a single HTML file, written whole (temporary file, then
    /// renamed). `week` is an ISO week (`2026-W47`) or `latest`. Returns the week written.
    @discardableResult
    public func exportWeek(_ week: String, to file: URL, baseURL: String?, options: BuildOptions) throws -> ISOWeek {
        let (report, input) = try compute(options: options)
        let target: ISOWeek
        if week.lowercased() == "latest" {
            guard let latest = report.latestWeek?.week else { throw ReportError("there are no sends, so there is no week to export") }
            target = latest
        } else {
            guard let parsed = ISOWeek(week) else { throw ReportError("--week \"\(week)\" is not an ISO week like 2026-W47, or latest") }
            guard report.weeks.contains(where: { $0.week == parsed }) else {
                let range = report.weeks.isEmpty ? "none" : "\(report.weeks.first!.week) to \(report.weeks.last!.week)"
                throw ReportError("no sends in \(parsed) (weeks with sends: \(range))")
            }
            target = parsed
        }
        let templates = try TemplateSet(projectTemplates: root.appending(path: "templates"))
        let data = try WeekExport.render(report: report, notes: input.notes, templates: templates, week: target, baseURL: baseURL ?? input.config.baseURL)
        try Self.writeWhole(data, to: file)
        return target
    }

    /// `inbox-report export suppressions`: the recipients a win-back or re-activation send says to suppress
    /// (bounced, complained, unsubscribed, no response; never the re-engaged), as CSV. Personal data: written
    /// only to the file the user names, never into the site. Returns how many were written.
    @discardableResult
    public func exportSuppressions(campaign id: String, to file: URL, includePending: Bool, options: BuildOptions) throws -> Int {
        let siteFolder = (options.output ?? defaultOutput).standardizedFileURL.path
        if file.standardizedFileURL.path.hasPrefix(siteFolder + "/") {
            throw ReportError("\(file.path) is inside the site folder \(siteFolder): a suppression list is personal data and never goes into the site")
        }
        let computed = try computeWithEvents(options: options, needsEvents: true)
        let (report, events) = (computed.report, computed.events)
        guard let send = report.send(id) else { throw ReportError("there is no send with the campaign id \"\(id)\"") }
        guard send.kind != .regular else {
            throw ReportError("\"\(id)\" is a regular send: suppression lists come from win-back and re-activation sends (kind: winback or reactivation)")
        }
        if let folder = computed.aggregates?.folder {
            throw ReportError("this project's recipient data are aggregate tables (\(folder)), which name no recipient: a suppression list needs the recipient events, so export it from the project (or warehouse) that has them")
        }
        guard let result = report.reactivation[id], let events else {
            throw ReportError("\"\(id)\" has campaign results only: outcomes per recipient need its recipient events")
        }
        let calendar = WeekCalendar(timeZone: report.config.timeZone)
        if result.pending && !includePending {
            throw ReportError("the response window of \"\(id)\" is open until \(calendar.iso8601(result.windowEnd)): its outcomes are not decided yet (--include-pending exports them anyway)")
        }
        let list = events.suppressions(campaign: id, sentAt: send.sentAt, windowDays: report.config.responseWindow(for: send.kind))
        let field = CSVCell.text
        var csv = "recipient,campaign,outcome,decided_at\n"
        for s in list {
            csv += "\(field(s.recipient)),\(field(id)),\(s.outcome.key),\(calendar.iso8601(s.decidedAt))\n"
        }
        try Self.writeWhole(Data(csv.utf8), to: file)
        return list.count
    }

    /// `inbox-report export aggregates`: the aggregate tables of the report (`docs/aggregates.md`), which hold
    /// everything its site needs of the recipient events and no recipient, written whole into `folder` (a
    /// temporary folder swapped in, as a site is). A project whose `data/` holds them instead of the events
    /// builds the same site. Returns the tables' file names.
    @discardableResult
    public func exportAggregates(to folder: URL, options: BuildOptions) throws -> [String] {
        let folder = folder.standardizedFileURL
        try checkOutput(folder)
        let computed = try computeWithEvents(options: options, recordsAggregates: true)
        guard let recorded = computed.recorded else {
            throw ReportError("there are no recipient events under data/, so there is nothing to aggregate (campaign results are aggregates already)")
        }
        let files = AggregateTables.files(recorded, timeZone: computed.input.config.timeZoneName)
        try OutputWriter(output: folder).write(files)
        return files.keys.sorted()
    }

    /// Writes a file through a temporary sibling and a rename, so a reader never sees half of it and an
    /// earlier file of that name stays whole until the new one replaces it. rename(2) replaces in one step;
    /// (Foundation's `replaceItemAt` on Linux removed the old file and then failed.)
    static func writeWhole(_ data: Data, to file: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temp = file.deletingLastPathComponent().appending(path: ".\(file.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temp)
            guard rename(temp.path, file.path) == 0 else {
                throw ReportError(String(cString: strerror(errno)))
            }
        } catch {
            try? fm.removeItem(at: temp)
            throw ReportError("cannot write \(file.path): \(error.localizedDescription)")
        }
    }

    /// `inbox-report check`: read, validate and compute; returns what a build would say, writes nothing.
    public func check(options: BuildOptions, step: (BuildStep) -> Void = { _ in }) throws -> BuildSummary {
        let start = Date()
        // The cache is read, never written: check writes nothing.
        let cache = BuildCache(project: root, enabled: options.useCache, writes: false)
        var (report, input) = try compute(options: options, cache: cache, step: step)
        input.warnings += cache.settled()
        step(.drawing)
        let files = try draw(report, notes: input.notes)  // templates and labels are checked too
        return summary(report, input, files: files, changed: 0, output: nil, start: start)
    }

    private func summary(_ report: Report, _ input: ProjectInput, files: [String: Data], changed: Int, output: URL?, start: Date) -> BuildSummary {
        BuildSummary(
            inputFiles: input.dataFiles.count, eventRows: input.eventRows, aggregateTables: input.aggregateTables.count,
            sends: report.sends.count,
            pages: files.keys.filter { $0.hasSuffix(".html") }.count, files: files.count, changedFiles: changed,
            seconds: Date().timeIntervalSince(start), warnings: input.warnings + report.warnings, output: output,
            skippedRows: input.skippedRows, unknownColumns: input.unknownColumns)
    }

    /// The output may be replaced (missing, empty or ours), is not the project itself or above it, and does
    /// not sit inside `data/`, `notes/` or `templates/`, which are read as input.
    public func checkOutput(_ output: URL) throws {
        try OutputWriter(output: output).checkReplaceable()
        let o = output.path, r = root.path
        if o == r || r.hasPrefix(o + "/") {
            throw ReportError("the output folder \(o) would replace the project itself; choose another --output")
        }
        for inputFolder in ["data", "notes", "templates"] where o == r + "/" + inputFolder || o.hasPrefix(r + "/" + inputFolder + "/") {
            throw ReportError("the output folder \(o) is inside the project's \(inputFolder)/ folder, which is read as input; choose another --output")
        }
    }
}

/// Phase timings on stderr when INBOX_REPORT_TIMING is set (for profiling builds; off otherwise).
enum Timing {
    nonisolated(unsafe) private static var last = Date()
    static let enabled = ProcessInfo.processInfo.environment["INBOX_REPORT_TIMING"] != nil

    static func start() { last = Date() }

    /// A line of its own (from any thread), beside the phases.
    static func say(_ line: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("timing: \(line)\n".utf8))
    }

    static func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "timing: %@ %.2f s\n", phase, now.timeIntervalSince(last)).utf8))
        last = now
    }
}
