@testable import EventFold
import Foundation
import InboxReport
import Testing
import TestSupport

/// cli.md `export suppressions`, and that the site never holds the people it names.
@Suite struct SuppressionExportTests {
    static let files = [
        "report.yml": "title: T\ntimezone: UTC\n",
        "data/campaigns.csv": "campaign,program,name,kind,sent_at,sent,delivered\nnl-1,newsletter,Issue,regular,2026-10-01,100,100\nwb-1,promotions,We miss you,winback,,,\nwb-2,promotions,Again,winback,,,\n",
        "data/events.csv": """
            time,campaign,recipient,event,bounce_type,machine,url
            2026-10-13T12:00:00Z,wb-1,ann@people.example,sent,,,
            2026-10-13T12:00:01Z,wb-1,ann@people.example,delivered,,,
            2026-10-14T12:00:00Z,wb-1,ann@people.example,click,,,https://x.example/
            2026-10-13T12:00:00Z,wb-1,bo@people.example,sent,,,
            2026-10-13T12:00:02Z,wb-1,bo@people.example,bounce,hard,,
            2026-10-13T12:00:00Z,wb-1,cy@people.example,sent,,,
            2026-10-13T12:00:01Z,wb-1,cy@people.example,delivered,,,
            2026-10-13T13:00:00Z,wb-1,cy@people.example,open,,true,
            2026-11-20T12:00:00Z,wb-2,dee@people.example,sent,,,
            2026-11-20T12:00:01Z,wb-2,dee@people.example,delivered,,,

            """,
    ]

    @Test func theListHasEveryoneToSuppressWithOutcomeAndDate() throws {
        let project = try TestProject(files: Self.files)
        let file = project.root.appending(path: "suppress.csv")
        let n = try ReportProject(root: project.root).exportSuppressions(campaign: "wb-1", to: file, includePending: false, options: BuildOptions())
        #expect(n == 2)
        #expect(project.read("suppress.csv") == """
            recipient,campaign,outcome,decided_at
            bo@people.example,wb-1,bounced,2026-10-13T12:00:02+00:00
            cy@people.example,wb-1,no_response,2026-10-27T12:00:00+00:00

            """)
    }

    @Test func clearErrorsForRegularPendingAndUnknownSends() throws {
        let project = try TestProject(files: Self.files)
        let file = project.root.appending(path: "s.csv")
        func error(_ id: String) -> String {
            do {
                try ReportProject(root: project.root).exportSuppressions(campaign: id, to: file, includePending: false, options: BuildOptions())
                return ""
            } catch { return String(describing: error) }
        }
        #expect(error("nl-1").contains("is a regular send"))
        #expect(error("nope").contains("there is no send with the campaign id \"nope\""))
        #expect(error("wb-2").contains("open until 2026-12-04T12:00:00+00:00"))
        #expect(!project.exists("s.csv"))
        let n = try ReportProject(root: project.root).exportSuppressions(campaign: "wb-2", to: file, includePending: true, options: BuildOptions())
        #expect(n == 1)
    }

    @Test func neverIntoTheSiteAndNoAddressInTheSite() throws {
        let project = try TestProject(files: Self.files)
        try SiteFixtures.build(project)
        let inside = project.root.appending(path: "public/suppress.csv")
        #expect(throws: (any Error).self) {
            try ReportProject(root: project.root).exportSuppressions(campaign: "wb-1", to: inside, includePending: false, options: BuildOptions())
        }
        for path in project.files(under: "public") {
            #expect(!(project.read("public/\(path)") ?? "").contains("people.example"), "\(path)")
        }
        // The site shows the outcome counts instead.
        let page = try #require(project.read("public/reactivation/index.html"))
        #expect(page.contains("We miss you"))
        #expect(try #require(project.read("public/data/reactivation.csv")).contains("wb-1,promotions,winback,2026-10-13T12:00:00+00:00,decided,3,2,1,0,0,1,0,1,0"))
    }

    @Test func theCommandLine() throws {
        let project = try TestProject(files: Self.files)
        let r = try runProcess(PackagePaths.executable, ["export", "suppressions", project.root.path, "--campaign", "wb-2", "--output", project.root.appending(path: "x.csv").path], environment: ["NO_COLOR": "1"])
        #expect(r.code == 1)
        #expect(r.err.contains("--include-pending"))
        let ok = try runProcess(PackagePaths.executable, ["export", "suppressions", project.root.path, "--campaign", "wb-1", "--output", project.root.appending(path: "x.csv").path])
        #expect(ok.code == 0, "\(ok.err)")
        #expect(ok.out.contains("Wrote 2 recipients to suppress"))
    }
}
