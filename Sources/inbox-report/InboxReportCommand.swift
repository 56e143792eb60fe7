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
        subcommands: [Build.self, Check.self, Serve.self, Init.self],
        defaultSubcommand: nil
    )
}

/// Options every command that reads a project shares.
struct ProjectOptions: ParsableArguments {
    @Argument(help: "The report project folder (holds report.yml).", completion: .directory)
    var project: String = "."

    @Flag(help: "Turn contradicting counts into warnings and skip unreadable rows (and say how many).")
    var lenient = false

    var root: URL { URL(fileURLWithPath: project, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL }

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(project) is not a folder")
        }
    }
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
            try ReportProject(root: project.root).build(options: BuildOptions(output: outputURL, lenient: project.lenient), step: console.step)
        }
        console.finishProgress()
        console.report(summary, verbose: verbose)
        if !quiet {
            console.out("Built \(summary.pages) pages (\(summary.files) files, \(summary.changedFiles) changed) from \(summary.inputFiles) input file\(summary.inputFiles == 1 ? "" : "s"): \(summary.eventRows) events, \(summary.sends) sends, in \(Console.seconds(summary.seconds)) → \(Console.relative(summary.output!))")
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
            try ReportProject(root: project.root).check(options: BuildOptions(lenient: project.lenient), step: console.step)
        }
        console.finishProgress()
        console.report(summary, verbose: verbose)
        console.out("OK: \(summary.inputFiles) input file\(summary.inputFiles == 1 ? "" : "s"), \(summary.eventRows) events, \(summary.sends) sends, \(summary.pages) pages; \(summary.warnings.count) warning\(summary.warnings.count == 1 ? "" : "s") (\(Console.seconds(summary.seconds)))")
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
