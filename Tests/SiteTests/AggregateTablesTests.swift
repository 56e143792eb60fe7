import EventFold
import Foundation
import InboxReport
import Reading
import ReportCore
import Testing
import TestSupport

/// docs/aggregates.md: the aggregate tables hold what the site needs of the events, and a project of campaign
/// results and aggregate tables builds the site of the project with the events, byte for byte.
@Suite struct AggregateTablesTests {
    static let files = [
        "report.yml": "title: T\ntimezone: UTC\n",
        "data/campaigns.csv": "campaign,program,name,kind,sent_at,sent,delivered\nnl-1,newsletter,Issue,regular,2026-10-01,100,100\nwb-1,promotions,We miss you,winback,,,\nwb-2,promotions,Again,winback,,,\n",
        "data/events.csv": """
            time,campaign,recipient,event,bounce_type,machine,url
            2026-10-13T12:00:00Z,wb-1,ann@people.example,sent,,,
            2026-10-13T12:00:01Z,wb-1,ann@people.example,delivered,,,
            2026-10-14T12:00:00Z,wb-1,ann@people.example,click,,,https://x.example/a?who=ann@people.example
            2026-10-13T12:00:00Z,wb-1,bo@people.example,sent,,,
            2026-10-13T12:00:02Z,wb-1,bo@people.example,bounce,hard,,
            2026-10-13T12:00:00Z,wb-1,cy@people.example,sent,,,
            2026-10-13T12:00:01Z,wb-1,cy@people.example,delivered,,,
            2026-10-13T13:00:00Z,wb-1,cy@people.example,open,,true,
            2026-11-20T12:00:00Z,wb-2,dee@people.example,sent,,,
            2026-11-20T12:00:01Z,wb-2,dee@people.example,delivered,,,
            2026-11-20T12:30:00Z,wb-2,dee@people.example,open,,false,

            """,
    ]

    /// Writes the aggregate tables of `project` into `folder`.
    static func export(_ project: URL, to folder: URL, language: String? = nil) throws {
        try ReportProject(root: project).exportAggregates(to: folder, options: BuildOptions(language: language, useCache: false))
    }

    /// A copy of `source` with its event files replaced by its aggregate tables under data/aggregates/.
    static func aggregateTwin(of source: URL) throws -> TestProject {
        let twin = try TestProject()
        let fm = FileManager.default
        for item in ["report.yml", "notes", "templates"] where fm.fileExists(atPath: source.appending(path: item).path) {
            try fm.copyItem(at: source.appending(path: item), to: twin.root.appending(path: item))
        }
        let reader = ProjectReader(root: source)
        let config = try reader.loadConfig()
        for file in try reader.dataFiles() {
            let c = try reader.readFile(file, config: config, events: { _, _ in })
            guard c.eventRows == 0 else { continue }
            let to = twin.root.appending(path: file)
            try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: source.appending(path: file), to: to)
        }
        try export(source, to: twin.root.appending(path: "data/aggregates"))
        return twin
    }

    /// Every file under a folder, by relative path.
    static func contents(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = folder.standardizedFileURL.path
        for case let rel as String in FileManager.default.enumerator(atPath: base)! {
            var dir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &dir), !dir.boolValue {
                out[rel] = FileManager.default.contents(atPath: base + "/" + rel)
            }
        }
        return out
    }

    static func error(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch { return String(describing: error) }
    }

    // MARK: Figures worked out by hand

    @Test func theRowsOfASmallProjectAreTheFiguresWorkedOutByHand() throws {
        let project = try TestProject(files: Self.files)
        try Self.export(project.root, to: project.root.appending(path: "tables"))
        // wb-1 went out 2026-10-13T12:00:00Z = 1791892800 to ann, bo and cy: ann delivered and clicked (no open),
        // bo hard-bounced, cy delivered and opened by a machine only. Unknown: forwards, replies,
        // deleted_unopened (no input reports them). Positive: ann's click. wb-2: dee delivered, opened as a person.
        #expect(project.read("tables/send_counts.csv") == """
            campaign,program,first_send_at,has_machine_signal,sent,delivered,hard_bounces,soft_bounces,undetermined_bounces,dropped,unique_opens,machine_opens,unique_clicks,forwards,replies,unsubscribes,complaints,deleted_unopened,positive_recipients
            wb-1,,1791892800,true,3,2,1,0,0,0,1,1,1,,,0,0,,1
            wb-2,,1795176000,true,1,1,0,0,0,0,1,0,0,,,0,0,,1

            """)
        // Weeks 2026-W42 and 2026-W47; nl-1 has no events, so it is not planned.
        #expect(project.read("tables/send_insights.csv") == """
            campaign,program,week,sent_at,sent_after_opt_out
            wb-1,promotions,2026-W42,1791892800,0
            wb-2,promotions,2026-W47,1795176000,0

            """)
        // ann's click 24 hours after; cy's machine open is no first open; dee's open in hour 0.
        #expect(project.read("tables/send_hours.csv") == """
            campaign,hour,first_opens,first_clicks
            wb-1,24,0,1
            wb-2,0,1,0

            """)
        // The query string (with ann's address) never reaches the tables.
        #expect(project.read("tables/send_links.csv") == "campaign,rank,url,clickers\nwb-1,1,https://x.example/a,1\n")
        // Window 14 days: ends 1791892800 + 14 × 86400 = 1793102400. bo bounced, ann re-engaged, cy no response.
        // wb-2's window ends 1796385600; dee re-engaged.
        let reactivation = try #require(project.read("tables/reactivation.csv")).split(separator: "\n").map(String.init)
        #expect(reactivation.count == 3)
        #expect(reactivation[1] == "wb-1,1793102400,3,2,1,0,0,0,1,1,0,1,1,0,0,0,0,0,1,0,0,1,0,1,0")
        #expect(reactivation[2] == "wb-2,1796385600,1,1,0,0,0,0,1,0,0,1,0,0,0,0,0,0,0,0,0,1,0,0,0")
        // No address anywhere.
        for (name, data) in try Self.contents(project.root.appending(path: "tables")) {
            #expect(!String(decoding: data, as: UTF8.self).contains("people.example"), "\(name)")
        }
    }

    // MARK: The same site

    @Test(arguments: ["en", "sv"])
    func theExampleBuildsTheSameSiteFromItsAggregates(language: String) throws {
        let example = PackagePaths.example
        let twin = try Self.aggregateTwin(of: example)
        let out = try TestProject()
        let fromEvents = out.root.appending(path: "events"), fromAggregates = out.root.appending(path: "aggregates")
        try ReportProject(root: example).build(options: BuildOptions(output: fromEvents, language: language, useCache: false))
        let summary = try ReportProject(root: twin.root).build(options: BuildOptions(output: fromAggregates, language: language))
        #expect(summary.eventRows == 0)
        #expect(summary.recipientData == "\(summary.aggregateTables) aggregate tables" && summary.aggregateTables > 3)
        #expect(summary.pages > 150)
        let a = try Self.contents(fromEvents), b = try Self.contents(fromAggregates)
        #expect(a.keys.sorted() == b.keys.sorted())
        let differing = a.keys.filter { a[$0] != b[$0] }.sorted()
        #expect(differing.isEmpty, "differ: \(differing.prefix(5))")

        // Exported again from the aggregate project, the tables come back byte for byte.
        try Self.export(twin.root, to: out.root.appending(path: "again"))
        let tables = try Self.contents(twin.root.appending(path: "data/aggregates")), again = try Self.contents(out.root.appending(path: "again"))
        #expect(tables.count == AggregateTables.Table.allCases.count + 1)  // and the output marker
        #expect(tables == again)
        for (name, data) in tables { #expect(!String(decoding: data, as: UTF8.self).contains("@"), "\(name)") }
    }

    // MARK: Only their own question

    @Test func aggregatesOfOtherSettingsOrSendsAreRefusedNamingTheTable() throws {
        let source = try TestProject(files: Self.files)
        let twin = try Self.aggregateTwin(of: source.root)
        let project = ReportProject(root: twin.root)
        let output = twin.root.appending(path: "public")
        _ = try project.build(options: BuildOptions(output: output))

        try twin.write("report.yml", "title: T\ntimezone: UTC\ntiers: { active: 20 }\n")
        let tiers = Self.error { _ = try project.build(options: BuildOptions(output: output)) }
        #expect(tiers.contains("data/aggregates/send_insights.csv"))
        #expect(tiers.contains("their tier bounds differ from report.yml's"))

        try twin.write("report.yml", "title: T\ntimezone: UTC\nreactivation: { response_window_days: 7 }\n")
        let window = Self.error { _ = try project.build(options: BuildOptions(output: output)) }
        #expect(window.contains("data/aggregates/reactivation.csv"))
        #expect(window.contains("response window ending at 1793102400"))

        try twin.write("report.yml", "title: T\ntimezone: UTC\n")
        try twin.write("data/campaigns.csv", "campaign,program,name,kind,sent_at,sent,delivered\nnl-1,newsletter,Issue,regular,2026-10-01,100,100\nwb-1,newsletter,We miss you,winback,,,\nwb-2,promotions,Again,winback,,,\n")
        let program = Self.error { _ = try project.build(options: BuildOptions(output: output)) }
        #expect(program.contains("the send \"wb-1\" is in program promotions"))

        try twin.write("report.yml", "title: T\ntimezone: Europe/Stockholm\n")
        try twin.write("data/campaigns.csv", try #require(source.read("data/campaigns.csv")))
        let zone = Self.error { _ = try project.build(options: BuildOptions(output: output)) }
        #expect(zone.contains("another time zone"))
    }

    @Test func damagedOrMixedTablesGetClearErrorsAndNothingIsWritten() throws {
        let source = try TestProject(files: Self.files)
        let twin = try Self.aggregateTwin(of: source.root)
        let project = ReportProject(root: twin.root)
        let output = twin.root.appending(path: "public")
        func build() -> String { Self.error { _ = try project.build(options: BuildOptions(output: output, useCache: false)) } }
        let counts = try #require(twin.read("data/aggregates/send_counts.csv"))

        try twin.write("data/aggregates/send_counts.csv", counts.replacingOccurrences(of: "wb-1,,1791892800,true,3,", with: "wb-1,,1791892800,true,x,"))
        #expect(build().contains("data/aggregates/send_counts.csv:2: column \"sent\": \"x\" is not a whole number"))
        try twin.write("data/aggregates/send_counts.csv", counts.replacingOccurrences(of: ",true,3,", with: ",true,3,,"))
        #expect(build().contains("data/aggregates/send_counts.csv:2: has 20 fields but the send_counts table has 19"))
        try twin.write("data/aggregates/send_counts.csv", counts)

        let manifest = try #require(twin.read("data/aggregates/aggregates.csv"))
        try twin.write("data/aggregates/aggregates.csv", manifest.replacingOccurrences(of: "\n1,", with: "\n2,"))
        #expect(build().contains("the aggregates are of contract version 2; this inbox-report reads version 1"))
        try twin.write("data/aggregates/aggregates.csv", manifest)

        try FileManager.default.removeItem(at: twin.root.appending(path: "data/aggregates/send_hours.csv"))
        #expect(build().contains("the aggregate tables are incomplete: send_hours.csv is missing"))
        try twin.write("data/aggregates/send_hours.csv", "campaign,hour,first_opens,first_clicks\nwb-9,0,1,0\n")
        #expect(build().contains("data/aggregates/send_hours.csv:2: the send \"wb-9\" is not in send_counts.csv"))
        try twin.write("data/aggregates/send_hours.csv", "campaign,hour,first_opens,first_clicks\nwb-1,72,1,0\n")
        #expect(build().contains("column \"hour\": \"72\" is not an hour from 0 to 71"))
        try twin.write("data/aggregates/send_hours.csv", "campaign,hour,first_opens,first_clicks\n")

        try twin.write("data/events.csv", try #require(source.read("data/events.csv")))
        #expect(build().contains("the tables are computed from events, so the two would count the same messages twice"))
        #expect(!twin.exists("public"))
        try FileManager.default.removeItem(at: twin.root.appending(path: "data/events.csv"))

        // A pinned file that is no table.
        try twin.write("report.yml", "title: T\ntimezone: UTC\ninputs:\n  - path: \"data/aggregates/**\"\n    format: aggregates\n")
        try twin.write("data/aggregates/notes.csv", "a,b\n1,2\n")
        #expect(build().contains("data/aggregates/notes.csv:1: is pinned to the aggregates format, but its header is no aggregate table's"))
        try FileManager.default.removeItem(at: twin.root.appending(path: "data/aggregates/notes.csv"))
        #expect(build() == "")
    }

    @Test func suppressionsNeedTheEventsAndTheExportNeedsEvents() throws {
        let source = try TestProject(files: Self.files)
        let twin = try Self.aggregateTwin(of: source.root)
        let refused = Self.error {
            try ReportProject(root: twin.root).exportSuppressions(campaign: "wb-1", to: twin.root.appending(path: "s.csv"), includePending: true, options: BuildOptions())
        }
        #expect(refused.contains("which name no recipient: a suppression list needs the recipient events"))
        #expect(!twin.exists("s.csv"))

        let campaignsOnly = try TestProject(files: ["report.yml": "title: T\n", "data/c.csv": "campaign,program,sent_at,sent\nx,p,2026-10-01,5\n"])
        let none = Self.error { try Self.export(campaignsOnly.root, to: campaignsOnly.root.appending(path: "out")) }
        #expect(none.contains("there are no recipient events under data/"))
        let inside = Self.error { try Self.export(source.root, to: source.root.appending(path: "data/aggregates")) }
        #expect(inside.contains("inside the project's data/ folder"))
    }

    /// Every table and column is in docs/aggregates.md, under the table's own heading.
    @Test func theContractDocumentsEveryTableAndColumn() throws {
        let doc = try String(contentsOf: PackagePaths.root().appending(path: "docs/aggregates.md"), encoding: .utf8)
        #expect(doc.contains("contract version \(AggregateTables.contractVersion)"))
        let sections = doc.components(separatedBy: "\n### ").dropFirst()
        var documented: [String: String] = [:]
        for s in sections { documented[String(s.prefix { $0 != "\n" })] = s }
        // The two column groups are written out once, above the tables.
        let groups = try #require(doc.components(separatedBy: "## Tables").first)
        for table in AggregateTables.Table.allCases {
            let section = try #require(documented[table.rawValue], "no section for \(table.rawValue)")
            for column in table.columns {
                #expect(section.contains("`\(column)`") || groups.contains("`\(column)`"), "\(table.rawValue).\(column)")
            }
        }
        #expect(documented.count == AggregateTables.Table.allCases.count)
    }
}
