import Foundation
import ReportCore
import Site
import InboxReport
import Testing
import TestSupport

/// site.md: a small project built end to end.
@Suite struct BuildTests {
    @Test func everyPageAndDownloadIsWritten() throws {
        let project = try SiteFixtures.project()
        let summary = try SiteFixtures.build(project)
        let files = project.files(under: "public")
        for path in [
            "index.html", "weeks/2026-W45/index.html", "weeks/2026-W46/index.html", "weeks/2026-W47/index.html",
            "programs/newsletter/index.html", "programs/onboarding/index.html", "campaigns/nl-1/index.html",
            "campaigns/onb-1/index.html", "glossary/index.html", "404.html", "feed.xml", "assets/style.css",
            "data/campaigns.csv", "data/weeks.csv", "data/campaigns.json", "data/weeks.json", ".inbox-report-output",
        ] {
            #expect(files.contains(path), "\(path) missing")
        }
        #expect(summary.sends == 4)
        #expect(summary.eventRows == 9 && summary.recipientData == "9 events")
        #expect(summary.warnings.isEmpty)
        let index = try #require(project.read("public/index.html"))
        #expect(index.contains("Weekly newsletter"))
        #expect(index.contains("Welcome"))
        // The no-reply onboarding sender is a recommendation on the overview.
        #expect(index.contains("no-reply@x.example"))
        // nl-2: 7 complaints of 1,985 delivered = 0.35 %: critical, on its week page.
        let w46 = try #require(project.read("public/weeks/2026-W46/index.html"))
        #expect(w46.contains("class=\"alert critical\""))
        #expect(w46.contains("0.35%"))
        // The week note went through cmark.
        #expect(try #require(project.read("public/weeks/2026-W47/index.html")).contains("<p>All <strong>good</strong>.</p>"))
    }

    @Test func campaignsCSVHasTheExactColumnsAndFigures() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        let lines = try #require(project.read("public/data/campaigns.csv")).split(separator: "\n").map(String.init)
        // Each rate is followed by its 95 % Wilson interval.
        #expect(lines[0] == "campaign,program,name,kind,sent_at,week,sent,delivered,hard_bounces,soft_bounces,unique_opens,machine_opens,human_opens,unique_clicks,forwards,replies,unsubscribes,complaints,delivery_rate,delivery_rate_low,delivery_rate_high,open_rate,open_rate_low,open_rate_high,human_open_rate,human_open_rate_low,human_open_rate_high,click_rate,click_rate_low,click_rate_high,click_to_open_rate,click_to_open_rate_low,click_to_open_rate_high,unsubscribe_rate,unsubscribe_rate_low,unsubscribe_rate_high,complaint_rate,complaint_rate_low,complaint_rate_high,hard_bounce_rate,hard_bounce_rate_low,hard_bounce_rate_high,sent_after_optout")
        // nl-1 by hand: human opens 700 − 200 = 500; human open rate 500/1980 = 0.252525; CTOR 80/500 = 0.16;
        // delivery 1980/2000 = 0.99; complaints 1/1980 = 0.000505. Bounces unknown (no columns): empty.
        // Bounce rate unknown, so its interval too: three empty fields.
        #expect(lines.contains("nl-1,newsletter,First issue,regular,2026-11-03T09:00:00+01:00,2026-W45,2000,1980,,,700,200,500,80,,,4,1,0.990000,0.984604,0.993517,0.353535,0.332780,0.374858,0.252525,0.233880,0.272129,0.040404,0.032584,0.050004,0.160000,0.130476,0.194708,0.002020,0.000786,0.005183,0.000505,0.000089,0.002855,,,,"))
        // onb-1 from events: 3 sent, 2 delivered, 1 hard bounce, 2 opens of which 1 machine only, 1 click.
        // sent_after_optout: nothing sent after an opt-out is 0 from events, and unknown (empty) from campaign results.
        // 0 unsubscribes of 2: Wilson 0 to z²/(2 + z²) = 3.8415/5.8415 = 0.657620; 2 of 2 opens: 2/5.8415 = 0.342380 to 1.
        #expect(lines.contains("onb-1,onboarding,Welcome,regular,2026-11-16T10:00:00+01:00,2026-W47,3,2,1,0,2,1,1,1,,,0,0,0.666667,0.207660,0.938508,1.000000,0.342380,1.000000,0.500000,0.094531,0.905469,0.500000,0.094531,0.905469,1.000000,0.206549,1.000000,0.000000,0.000000,0.657620,0.000000,0.000000,0.657620,0.333333,0.061492,0.792340,0"))
        let weeks = try #require(project.read("public/data/weeks.csv")).split(separator: "\n").map(String.init)
        #expect(weeks[0].hasPrefix("program,week,sends,sent,delivered,"))
        #expect(weeks.contains { $0.hasPrefix("newsletter,2026-W46,1,2000,1985,") })
    }

    /// metrics.md, *Coverage*: every section built from recipient events says what it covers. The fixture has
    /// four sends; only onb-1 has events, and it delivered 2 (ann, cy) of the 1,980 + 1,985 + 1,990 + 2.
    @Test func eventSectionsSayWhatTheyCover() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        let index = try #require(project.read("public/index.html"))
        #expect(index.contains("From 1 of 4 sends (2 of 5,957 delivered messages, "))
        let frequency = try #require(project.read("public/frequency/index.html"))
        #expect(frequency.contains("From 1 of 4 sends (2 of 5,957 delivered messages, "))
        let onboarding = try #require(project.read("public/programs/onboarding/index.html"))
        #expect(onboarding.contains("From 1 of 1 send (2 of 2 delivered messages, 100"))  // one send: singular
        let campaign = try #require(project.read("public/campaigns/onb-1/index.html"))
        // Providers, hourly curves and links of one send: three sections, each saying so.
        #expect(campaign.components(separatedBy: "From this send&#39;s recipient events (2 delivered messages).").count - 1 == 3)
        let week = try #require(project.read("public/weeks/2026-W47/index.html"))
        #expect(week.contains("From 1 of 2 sends (2 of 1,992 delivered messages, "))
    }

    /// An SES bounce of `Undetermined` kind is neither hard nor soft: the campaign page lists it apart.
    @Test func undeterminedBouncesAreListedApartOnTheCampaignPage() throws {
        let ses = #"{"eventType":"Send","mail":{"timestamp":"2026-11-17T09:00:00Z","messageId":"m","destination":["a@x.example"],"tags":{"campaign":["u-1"]}},"send":{}}"#
            + "\n" + #"{"eventType":"Bounce","mail":{"timestamp":"2026-11-17T09:00:00Z","messageId":"m","destination":["a@x.example"],"tags":{"campaign":["u-1"]}},"bounce":{"bounceType":"Undetermined","bounceSubType":"Undetermined","timestamp":"2026-11-17T09:01:00Z","bouncedRecipients":[{"emailAddress":"a@x.example"}]}}"# + "\n"
        let project = try SiteFixtures.project(extra: ["data/ses.jsonl": ses, "report.yml": SiteFixtures.reportYML + "\ncampaign_programs:\n  \"u-*\": onboarding\n"])
        try SiteFixtures.build(project)
        let page = try #require(project.read("public/campaigns/u-1/index.html"))
        #expect(page.contains("Bounces of unknown kind"))
        #expect(!(try #require(project.read("public/campaigns/onb-1/index.html"))).contains("Bounces of unknown kind"))
    }

    /// OWASP's CSV injection: a text cell that a spreadsheet would run as a formula starts with `'` in every
    /// CSV the site writes; numbers stay numbers.
    @Test func downloadsAreSafeToOpenInASpreadsheet() throws {
        let rows = "campaign,program,name,sent_at,sent,delivered\n-x,newsletter,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",2026-11-18,100,98\n@y,newsletter,+1 offer,2026-11-19,10,10\n"
        let project = try SiteFixtures.project(extra: ["data/more.csv": rows])
        try SiteFixtures.build(project)
        let csv = try #require(project.read("public/data/campaigns.csv"))
        #expect(csv.contains(#"'-x,newsletter,"'=HYPERLINK(""http://evil.example"",""x"")",regular,"#))
        #expect(csv.contains("'@y,newsletter,'+1 offer,regular,"))
        #expect(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"))
        #expect(csv.contains(",100,98,"))
        // JSON downloads keep the text as it is.
        #expect(try #require(project.read("public/data/campaigns.json")).contains(#""=HYPERLINK("#))
    }

    /// A report over more than 20 years is an error naming its earliest and latest sends and where they are.
    @Test func aReportSpanningMoreThanTwentyYearsIsAnError() throws {
        let project = try SiteFixtures.project(extra: ["data/old.csv": "campaign,program,sent_at,sent\nancient,newsletter,1995-03-01,10\n"])
        let e = #expect(throws: ReportError.self) { try SiteFixtures.build(project) }
        #expect(e?.description.contains(#"the sends span more than 20 years, from "ancient" on 1995-03-01 (data/old.csv:2) to "nl-3" on 2026-11-17"#) == true, "\(String(describing: e))")
        #expect(!project.exists("public"))
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project, output: "a")
        try SiteFixtures.build(project, output: "b")
        let a = project.files(under: "a")
        #expect(a == project.files(under: "b"))
        for path in a {
            #expect(project.read("a/\(path)") == project.read("b/\(path)"), "\(path) differs")
        }
    }

    @Test func aRebuildRewritesOnlyFilesWhoseBytesChange() throws {
        let project = try SiteFixtures.project()
        let first = try SiteFixtures.build(project)
        #expect(first.changedFiles == first.files)
        let second = try SiteFixtures.build(project)
        #expect(second.changedFiles == 0)
        try project.write("notes/programs/newsletter.md", "Changed.\n")
        let third = try SiteFixtures.build(project)
        #expect(third.changedFiles == 1)
    }

    /// The site swapped out is kept as `.public.spare` and is the next build's staging folder: a page that
    /// changes again is rewritten in the spare's copy of it (the same inode, no new one made), a page that did
    /// not change is the live page hard-linked, a file the new site lacks is gone from it; and a folder of that
    /// name that is not a site of ours is left alone.
    @Test func theSiteSwappedOutIsTheNextBuildsStagingFolder() throws {
        let project = try SiteFixtures.project()
        let fm = FileManager.default
        let inode = { (path: String) in try fm.attributesOfItem(atPath: project.root.appending(path: path).path)[.systemFileNumber] as? UInt64 }
        try SiteFixtures.build(project)
        #expect(!project.exists(".public.spare"), "nothing was swapped out")
        try project.write("notes/programs/newsletter.md", "Changed once.\n")
        try SiteFixtures.build(project)
        #expect(project.exists(".public.spare/\(OutputWriter.markerName)"))
        #expect((project.read(".public.spare/programs/newsletter/index.html") ?? "").contains("The newsletter."))
        let spareCopy = try inode(".public.spare/programs/newsletter/index.html")
        let glossary = try inode("public/glossary/index.html")
        try project.write(".public.spare/stale.txt", "left over\n")

        try project.write("notes/programs/newsletter.md", "Changed twice.\n")
        let third = try SiteFixtures.build(project)
        #expect(third.changedFiles == 1)
        #expect((project.read("public/programs/newsletter/index.html") ?? "").contains("Changed twice."))
        #expect(try inode("public/programs/newsletter/index.html") == spareCopy, "rewritten in place")
        #expect(try inode("public/glossary/index.html") == glossary, "hard-linked as before")
        #expect(!project.exists("public/stale.txt"))
        #expect((project.read(".public.spare/programs/newsletter/index.html") ?? "").contains("Changed once."), "the live site before is the spare")
        let fresh = try SiteFixtures.build(project, output: "fresh")
        #expect(project.files(under: "public") == project.files(under: "fresh"))
        for path in project.files(under: "public") { #expect(project.read("public/\(path)") == project.read("fresh/\(path)"), "\(path)") }
        _ = fresh

        // Not ours: no marker. Left as it is; the build stages in a new folder.
        try fm.removeItem(at: project.root.appending(path: ".public.spare"))
        try project.write(".public.spare/mine.txt", "do not delete\n")
        try project.write("notes/programs/newsletter.md", "Changed thrice.\n")
        try SiteFixtures.build(project)
        #expect(project.read(".public.spare/mine.txt") == "do not delete\n")
        #expect((project.read("public/programs/newsletter/index.html") ?? "").contains("Changed thrice."))
    }

    /// A file whose bytes did not change keeps its file (hard-linked into the new site: the same inode, so
    /// its time and ETag stay put); one replaced in the output by a link to a copy is written afresh, so the
    /// new site holds no link out of itself.
    @Test func anUnchangedFileKeepsItsFileAndALinkIsNotFollowed() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        let fm = FileManager.default
        let attributes = { (path: String) in try fm.attributesOfItem(atPath: project.root.appending(path: path).path) }
        let glossary = try attributes("public/glossary/index.html")[.systemFileNumber] as? UInt64
        let page = project.root.appending(path: "public/404.html"), copy = project.root.appending(path: "copy.html")
        try fm.copyItem(at: page, to: copy)
        try fm.removeItem(at: page)
        try fm.createSymbolicLink(at: page, withDestinationURL: copy)
        let second = try SiteFixtures.build(project)
        #expect(second.changedFiles == 1)
        #expect(try attributes("public/glossary/index.html")[.systemFileNumber] as? UInt64 == glossary)
        #expect(try attributes("public/404.html")[.type] as? FileAttributeType == .typeRegular)
        #expect(project.read("public/404.html") == project.read("copy.html"))
    }

    @Test func aFailedBuildLeavesThePreviousOutputUntouched() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        let before = project.files(under: "public").map { ($0, project.read("public/\($0)")) }
        try project.write("data/broken.csv", "campaign,program,sent_at,sent\nx,newsletter,2026-11-17,many\n")
        #expect(throws: (any Error).self) { try SiteFixtures.build(project) }
        let after = project.files(under: "public").map { ($0, project.read("public/\($0)")) }
        #expect(before.map(\.0) == after.map(\.0))
        #expect(before.map(\.1) == after.map(\.1))
        // No staging folder is left behind.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: project.root.path)
        #expect(!siblings.contains { $0.contains("building") })
    }

    @Test func refusesToReplaceAFolderItDidNotWrite() throws {
        let project = try SiteFixtures.project(extra: ["mine/important.txt": "do not delete"])
        #expect(throws: (any Error).self) { try SiteFixtures.build(project, output: "mine") }
        #expect(project.read("mine/important.txt") == "do not delete")
        // An output folder inside data/ would be read back as input: refused.
        #expect(throws: (any Error).self) { try SiteFixtures.build(project, output: "data/site") }
    }

    @Test func noRecipientAddressAnywhereInTheOutput() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        for path in project.files(under: "public") {
            let text = try #require(project.read("public/\(path)"))
            for address in ["ann@secret.example", "bo@secret.example", "cy@secret.example", "secret.example"] {
                #expect(!text.contains(address), "\(address) in \(path)")
            }
        }
    }

    @Test func hostileNamesAreEscapedAndRawHTMLInNotesDropped() throws {
        let project = try SiteFixtures.project(extra: [
            "data/campaigns.csv": SiteFixtures.campaigns + "<script>alert(1)</script>,newsletter,<img src=x onerror=alert(2)>,2026-11-18T09:00:00+01:00,100,100,10,0,1,0,0,x@x.example\n",
            "notes/weeks/2026-W47.md": "Hi <script>alert(3)</script> <b onclick=\"x()\">bold</b>\n\n[click](javascript:alert(4))\n",
        ])
        try SiteFixtures.build(project)
        for path in project.files(under: "public") where path.hasSuffix(".html") {
            let html = try #require(project.read("public/\(path)"))
            #expect(!html.contains("<script"), "\(path)")
            #expect(!html.contains("<img src=x"), "\(path)")
            #expect(!html.contains("javascript:"), "\(path)")
            #expect(!html.contains("onclick"), "\(path)")
        }
        let week = try #require(project.read("public/weeks/2026-W47/index.html"))
        #expect(week.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || week.contains("&lt;img src=x onerror=alert(2)&gt;"))
        #expect(week.contains("<!-- raw HTML omitted -->"))
    }

    @Test func trustedNotesKeepRawHTML() throws {
        let project = try SiteFixtures.project(extra: [
            "report.yml": SiteFixtures.reportYML + "\ntrusted_notes: true\n",
            "notes/weeks/2026-W47.md": "<div class=\"callout\">Kept</div>\n",
        ])
        try SiteFixtures.build(project)
        #expect(try #require(project.read("public/weeks/2026-W47/index.html")).contains("<div class=\"callout\">Kept</div>"))
    }

    @Test func projectTemplatesOverrideByNameAndAMissingLabelFailsWithItsKey() throws {
        let project = try SiteFixtures.project(extra: [
            "templates/404.mustache": "{{<layout}}{{$main}}<p>{{t.notfound.custom}}</p>{{/main}}{{/layout}}",
        ])
        let error = #expect(throws: (any Error).self) { try SiteFixtures.build(project) }
        #expect(String(describing: error!).contains("label \"notfound.custom\""))
        try project.write("templates/i18n/en.yml", "notfound:\n  custom: \"Nothing here, friend.\"\n")
        try SiteFixtures.build(project)
        #expect(try #require(project.read("public/404.html")).contains("Nothing here, friend."))
        // The project catalogue overrides label by label: the defaults still fill every other page.
        #expect(try #require(project.read("public/index.html")).contains("Programs at a glance"))
    }
}
