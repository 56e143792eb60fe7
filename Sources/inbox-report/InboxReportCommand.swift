import ArgumentParser
import Foundation
import InboxReport
import ReportCore

/// `inbox-report`: campaign results and recipient events in, a static site of weekly deliverability reports out.
struct InboxReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox-report",
        abstract: "Build static sites of weekly email deliverability reports from campaign results and recipient events.",
        version: InboxReportVersion.string,
        subcommands: [Build.self, Check.self, Serve.self, Init.self, Export.self, Clean.self],
        defaultSubcommand: nil
    )
}

/// Options every command that reads a project shares.
struct ProjectOptions: ParsableArguments {
    @Argument(help: "The report project folder (holds report.yml).", completion: .directory)
    var project: String = "."

    @Flag(help: "Turn contradicting counts into warnings and skip unreadable rows (and say how many).")
    var lenient = false

    @Option(help: "Language of the report, overriding report.yml: en or sv.")
    var language: String?

    @Flag(help: "Read every input anew and leave the build cache (.inbox-report/cache/) alone.")
    var noCache = false

    var root: URL { URL(fileURLWithPath: project, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL }

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(project) is not a folder")
        }
        if let language, !["en", "sv"].contains(language) {
            throw ValidationError("--language must be en or sv")
        }
    }

    func buildOptions(output: URL? = nil) -> BuildOptions {
        BuildOptions(output: output, lenient: lenient, language: language, useCache: !noCache)
    }
}

/// A path argument resolved against the current folder.
func absoluteURL(_ path: String) -> URL {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read the project and write its site (default PROJECT/public).")

    @OptionGroup var project: ProjectOptions
    @Option(name: .shortAndLong, help: "Where to write the site.", completion: .directory)
    var output: String?
    @Flag(name: .shortAndLong, help: "Print nothing but warnings and errors.")
    var quiet = false
    @Flag(name: .shortAndLong, help: "Also list input columns that were not used.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    func run() throws {
        let console = Console(quiet: quiet)
        let outputURL = output.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL }
        let summary = try console.failing {
            try ReportProject(root: project.root).build(options: project.buildOptions(output: outputURL), step: console.step, progress: console.progress)
        }
        console.finishProgress()
        console.report(summary, verbose: verbose)
        if !quiet {
            console.out("Built \(summary.pages) pages (\(summary.files) files, \(summary.changedFiles) changed) from \(summary.inputFiles) input file\(summary.inputFiles == 1 ? "" : "s"): \(summary.recipientData), \(summary.sends) sends, in \(Console.seconds(summary.seconds)) → \(Console.relative(summary.output!))")
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read and validate everything and compute the report; write nothing.")

    @OptionGroup var project: ProjectOptions
    @Flag(name: .shortAndLong, help: "Also list input columns that were not used.")
    var verbose = false

    func run() throws {
        let console = Console(quiet: false)
        let summary = try console.failing {
            try ReportProject(root: project.root).check(options: project.buildOptions(), step: console.step)
        }
        console.finishProgress()
        console.report(summary, verbose: verbose)
        console.out("OK: \(summary.inputFiles) input file\(summary.inputFiles == 1 ? "" : "s"), \(summary.recipientData), \(summary.sends) sends, \(summary.pages) pages; \(summary.warnings.count) warning\(summary.warnings.count == 1 ? "" : "s") (\(Console.seconds(summary.seconds)))")
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start a new report project in DIR: report.yml, a data/ example and notes/.")

    @Argument(help: "The folder to create (new or empty).", completion: .directory)
    var dir: String

    func run() throws {
        let console = Console(quiet: false)
        let url = URL(fileURLWithPath: dir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        let written = try console.failing { try Scaffold.create(at: url) }
        for path in written { console.out("  created \(dir)/\(path)") }
        console.out("Next: edit \(dir)/report.yml, put exports under \(dir)/data/, then run: inbox-report serve \(dir)")
    }
}

/// `inbox-report clean`: removes the build cache; the next build reads every input.
struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove the project's build cache (.inbox-report/cache/); the next build reads every input anew.")

    @Argument(help: "The report project folder (holds report.yml).", completion: .directory)
    var project: String = "."

    func run() throws {
        let console = Console(quiet: false)
        let root = absoluteURL(project)
        let removed = try console.failing { try BuildCache.remove(project: root) }
        console.out(removed ? "Removed \(project)/\(BuildCache.folder)" : "No build cache in \(project)")
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one part of the report to a file of its own.",
        subcommands: [ExportReport.self, ExportAggregates.self, ExportSuppressions.self])
}

struct ExportReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One weekly report as a single self-contained HTML file, to attach to an email.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "The ISO week (2026-W47), or latest.")
    var week: String
    @Option(name: .shortAndLong, help: "The HTML file to write.", completion: .file(extensions: ["html"]))
    var output: String
    @Option(help: "Where the site is published: links to its other pages become absolute (default: base_url of report.yml; without one they are plain text).")
    var baseURL: String?

    func validate() throws {
        if week.lowercased() != "latest" && ISOWeek(week) == nil {
            throw ValidationError("--week must be an ISO week like 2026-W47, or latest")
        }
        if let baseURL, !(baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://")) {
            throw ValidationError("--base-url must start with https:// or http://")
        }
    }

    func run() throws {
        let console = Console(quiet: false)
        let file = absoluteURL(output)
        let written = try console.failing {
            try ReportProject(root: project.root).exportWeek(week, to: file, baseURL: baseURL, options: project.buildOptions())
        }
        console.out("Wrote the report of \(written) to \(Console.relative(file).dropLast())")
    }
}

struct ExportAggregates: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregates",
        abstract: "The aggregate tables: everything the site needs of the recipient events and no recipient (CSV, docs/aggregates.md). A project whose data/ holds them instead of the events builds the same site.")

    @OptionGroup var project: ProjectOptions
    @Option(name: .shortAndLong, help: "The folder to write the tables into (replaced whole; empty, new, or written by inbox-report).", completion: .directory)
    var output: String

    func run() throws {
        let console = Console(quiet: false)
        let folder = absoluteURL(output)
        let tables = try console.failing {
            try ReportProject(root: project.root).exportAggregates(to: folder, options: project.buildOptions())
        }
        console.out("Wrote \(tables.count) aggregate tables to \(Console.relative(folder).dropLast())")
    }
}

struct ExportSuppressions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppressions",
        abstract: "The recipients a win-back or re-activation send says to suppress, with their outcome (CSV). Personal data: never written into the site.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "The campaign id of a win-back or re-activation send.")
    var campaign: String
    @Option(name: .shortAndLong, help: "The CSV file to write.", completion: .file(extensions: ["csv"]))
    var output: String
    @Flag(help: "Export even while the response window is still open (outcomes not yet decided).")
    var includePending = false

    func run() throws {
        let console = Console(quiet: false)
        let file = absoluteURL(output)
        let count = try console.failing {
            try ReportProject(root: project.root).exportSuppressions(campaign: campaign, to: file, includePending: includePending, options: project.buildOptions())
        }
        console.out("Wrote \(count) recipient\(count == 1 ? "" : "s") to suppress to \(Console.relative(file).dropLast())")
    }
}
