import Foundation
import InboxReport
@testable import Site
import Testing
import TestSupport

/// The single-file weekly export (cli.md `export report`).
@Suite struct WeekExportTests {
    func export(_ project: TestProject, week: String = "2026-W46", base: String? = nil, language: String? = nil) throws -> String {
        let file = project.root.appending(path: "out/report.html")
        try ReportProject(root: project.root).exportWeek(week, to: file, baseURL: base, options: BuildOptions(language: language))
        return try #require(project.read("out/report.html"))
    }

    @Test func withoutABaseURLNothingPointsToAnotherFileOrHost() throws {
        let project = try SiteFixtures.project()
        let html = try export(project)
        #expect(!html.contains("src="))
        #expect(!html.contains("href="))
        #expect(!html.contains("<link"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
        #expect(html.contains("<style>"))
        #expect(html.contains("<svg class=\"chart"))
        // Links to other pages stay readable as text.
        #expect(html.contains("<span class=\"link-text\">Second issue</span>"))
    }

    @Test func withABaseURLLinksToTheSiteAreAbsolute() throws {
        let project = try SiteFixtures.project()
        let html = try export(project, base: "https://reports.example/acme")
        #expect(!html.contains("src="))
        for href in links(in: html) {
            #expect(href.hasPrefix("https://reports.example/acme/"), "\(href)")
        }
        #expect(links(in: html).contains("https://reports.example/acme/campaigns/nl-2/index.html"))
        #expect(links(in: html).contains("https://reports.example/acme/glossary/index.html#complaint_rate"))
    }

    @Test func theExportHasEveryFigureOfTheWeekPage() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        let page = try #require(project.read("public/weeks/2026-W46/index.html"))
        let exported = try export(project)
        let figure = try NSRegularExpression(pattern: #"[−+±]?\d[\d,.]*(?:%|\u00A0pp)?"#)
        func figures(_ html: String) -> [String] {
            // The page's main content, without the pager (links to the weeks before and after).
            let main = (html.components(separatedBy: "<main").last ?? html)
                .replacingOccurrences(of: #"(?s)<nav class="pager".*?</nav>"#, with: "", options: .regularExpression)
            let text = main.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
            return figure.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
        }
        let onPage = figures(page)
        #expect(onPage.count > 40)
        let inExport = Set(figures(exported))
        for f in onPage { #expect(inExport.contains(f), "\(f)") }
    }

    @Test func latestIsTheNewestWeekAndAWeekWithoutSendsIsAClearError() throws {
        let project = try SiteFixtures.project()
        #expect(try export(project, week: "latest").contains("Week 47, 2026"))
        let error = #expect(throws: (any Error).self) { try export(project, week: "2026-W30") }
        #expect(String(describing: error!) == "no sends in 2026-W30 (weeks with sends: 2026-W45 to 2026-W47)")
    }

    @Test func theCommandLine() throws {
        let project = try SiteFixtures.project()
        let file = project.root.appending(path: "w47.html").path
        let ok = try runProcess(PackagePaths.executable, ["export", "report", project.root.path, "--week", "latest", "--output", file])
        #expect(ok.code == 0, "\(ok.err)")
        #expect(project.exists("w47.html"))
        // Again, over last week's file: replaced whole (it once was removed and the export failed).
        try project.write("w47.html", "last week's export")
        let again = try runProcess(PackagePaths.executable, ["export", "report", project.root.path, "--week", "2026-W46", "--output", file])
        #expect(again.code == 0, "\(again.err)")
        #expect(project.read("w47.html")?.contains("Week 46, 2026") == true)
        #expect(!project.files(under: "").contains { $0.hasSuffix(".tmp") })
        #expect(try runProcess(PackagePaths.executable, ["export", "report", project.root.path, "--week", "47", "--output", file]).code == 2)
        let missing = try runProcess(PackagePaths.executable, ["export", "report", project.root.path, "--week", "2025-W01", "--output", file], environment: ["NO_COLOR": "1"])
        #expect(missing.code == 1)
        #expect(missing.err.contains("no sends in 2025-W01"))
    }
}

/// `language: sv`: every label Swedish, numbers and dates the Swedish way, otherwise the same site.
@Suite struct SwedishTests {
    static func builtPair() throws -> (TestProject, TestProject) {
        // No notes: they are the user's own words, in whatever language the user writes.
        let en = try TestProject(files: [
            "report.yml": SiteFixtures.reportYML, "data/campaigns.csv": SiteFixtures.campaigns, "data/events.csv": SiteFixtures.events,
        ])
        let sv = try TestProject(files: [
            "report.yml": SiteFixtures.reportYML + "\nlanguage: sv\n", "data/campaigns.csv": SiteFixtures.campaigns, "data/events.csv": SiteFixtures.events,
        ])
        try SiteFixtures.build(en)
        try SiteFixtures.build(sv)
        return (en, sv)
    }

    static func catalogue(_ language: String) throws -> [String: String] {
        try Labels.parse(TemplateSet.defaults["i18n/\(language).yml"]!, file: language)
    }

    @Test func bothCataloguesHaveTheSameKeys() throws {
        #expect(Set(try Self.catalogue("en").keys) == Set(try Self.catalogue("sv").keys))
    }

    @Test func noEnglishLabelIsLeftInASwedishSite() throws {
        let (_, sv) = try Self.builtPair()
        let en = try Self.catalogue("en"), swedish = try Self.catalogue("sv")
        // Labels whose English text differs from the Swedish and is long enough not to be a shared word.
        let english = en.filter { key, value in
            swedish[key] != value && !key.hasPrefix("format.") && (value.contains(" ") || value.count >= 7)
        }.map { $0.value.components(separatedBy: "{").first!.trimmingCharacters(in: .whitespaces) }.filter { $0.count >= 6 }
        #expect(english.count > 100)
        for path in sv.files(under: "public") where path.hasSuffix(".html") || path == "feed.xml" {
            let text = visibleText(try #require(sv.read("public/\(path)")))
            for label in english { #expect(!text.contains(label), "\"\(label)\" in \(path)") }
            #expect(!text.contains("{value}") && !text.contains("{week}"))
        }
    }

    @Test func pluralsByTheNumberPutIn() throws {
        let labels = Labels(language: "en", table: ["c": "From {with} of {sends} {sends|send|sends} ({n} {n|message|messages})."])
        #expect(try labels.format("c", ["with": "1", "sends": "1", "n": "749"]) == "From 1 of 1 send (749 messages).")
        #expect(try labels.format("c", ["with": "0", "sends": "2", "n": "1"]) == "From 0 of 2 sends (1 message).")
        #expect(try labels.format("c", ["with": "1", "sends": "1,001", "n": "0"]) == "From 1 of 1,001 sends (0 messages).")
        // One pass: a value is never read for placeholders, and a placeholder without a value stays as written.
        let odd = Labels(language: "en", table: ["d": "{a} and {b} {b|is|are} {missing}"])
        #expect(try odd.format("d", ["a": "{b}", "b": "2"]) == "{b} and 2 are {missing}")
        // A brace without its end stays as written, once; words beyond ASCII are kept.
        let open = Labels(language: "sv", table: ["e": "Utskick {n|skick|skick} för {n} mottagare {öppen"])
        #expect(try open.format("e", ["n": "1"]) == "Utskick skick för 1 mottagare {öppen")
        // The catalogues' own: no plural form is left unchosen on any page.
        let (en, sv) = try Self.builtPair()
        for site in [en, sv] {
            for path in site.files(under: "public") where path.hasSuffix(".html") || path == "feed.xml" {
                let text = try #require(site.read("public/\(path)"))
                #expect(!text.contains("|send|") && !text.contains("|message"), "\(path)")
            }
        }
    }

    @Test func pageTextSpeaksToTheClientNotOfTheTool() throws {
        let (en, sv) = try Self.builtPair()
        for site in [en, sv] {
            for path in site.files(under: "public") where path.hasSuffix(".html") {
                let text = visibleText(try #require(site.read("public/\(path)")))
                for word in ["report.yml", "data/", "--lenient", "templates/"] {
                    #expect(!text.contains(word), "\(word) in \(path)")
                }
            }
        }
    }

    @Test func numbersAndDatesTheSwedishWay() throws {
        let (_, sv) = try Self.builtPair()
        let week = try #require(sv.read("public/weeks/2026-W46/index.html"))
        #expect(week.contains("<html lang=\"sv\">"))
        #expect(week.contains("Vecka 46, 2026"))
        #expect(week.contains("9 november 2026 – 15 november 2026"))
        #expect(week.contains("0,35\u{00A0}%"))       // nl-2: 7 complaints of 1,985 delivered
        #expect(week.contains("1\u{00A0}985"))        // thousands with a non-breaking space
        #expect(week.contains("p.e."))
        #expect(!week.contains("0.35%"))
        let feed = try #require(sv.read("public/feed.xml"))
        #expect(feed.contains("xml:lang=\"sv\""))
        #expect(feed.contains("utskick; öppningsfrekvens"))
    }

    @Test func eachLanguageHasAFeedOfItsOwnWithAbsoluteLinksWhenTheAddressIsKnown() throws {
        let (en, sv) = try Self.builtPair()
        func ids(_ p: TestProject) throws -> [String] {
            try #require(p.read("public/feed.xml")).components(separatedBy: "<id>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        }
        let enIDs = try ids(en), svIDs = try ids(sv)
        #expect(enIDs.count == 4 && svIDs.count == 4)  // the feed and its three weeks
        #expect(Set(enIDs).isDisjoint(with: svIDs))
        let based = try TestProject(files: [
            "report.yml": SiteFixtures.reportYML + "\nbase_url: https://reports.example/acme\n",
            "data/campaigns.csv": SiteFixtures.campaigns, "data/events.csv": SiteFixtures.events,
        ])
        try SiteFixtures.build(based)
        let feed = try #require(based.read("public/feed.xml"))
        let hrefs = feed.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(hrefs.count == 5)
        for href in hrefs { #expect(href.hasPrefix("https://reports.example/acme/"), "\(href)") }
        // The 404 page is shown at any depth: with the address known its links are absolute…
        let notFound = try #require(based.read("public/404.html"))
        #expect(notFound.contains("href=\"https://reports.example/acme/index.html\""))
        // …and without it they are relative to the root where it lies, so they work from file://.
        let plain = try #require(en.read("public/404.html"))
        #expect(plain.contains("<a href=\"index.html\">") && !plain.contains("href=\"/"))
    }

    @Test func otherwiseTheSameSite() throws {
        let (en, sv) = try Self.builtPair()
        #expect(en.files(under: "public") == sv.files(under: "public"))
        for data in ["data/campaigns.csv", "data/weeks.csv", "data/campaigns.json", "data/weeks.json"] {
            #expect(en.read("public/\(data)") == sv.read("public/\(data)"), "\(data)")
        }
    }

    @Test func aLabelMissingFromTheSwedishCatalogueFailsWithItsKey() throws {
        let project = try SiteFixtures.project(extra: [
            "report.yml": SiteFixtures.reportYML + "\nlanguage: sv\n",
            "templates/404.mustache": "{{<layout}}{{$main}}{{t.custom.hint}}{{/main}}{{/layout}}",
            "templates/i18n/en.yml": "custom:\n  hint: \"Only in English\"\n",
        ])
        let error = #expect(throws: (any Error).self) { try SiteFixtures.build(project) }
        #expect(String(describing: error!).contains("label \"custom.hint\" (used in templates/404.mustache) is missing from the sv catalogue"))
        try project.write("templates/i18n/sv.yml", "custom:\n  hint: \"Bara på svenska\"\n")
        try SiteFixtures.build(project)
        #expect(project.read("public/404.html")?.contains("Bara på svenska") == true)
    }
}

/// What a reader sees (and what a screen reader reads): text and attribute values that are shown, without
/// markup, class names, styles or scripts.
func visibleText(_ html: String) -> String {
    var text = html.replacingOccurrences(of: #"(?s)<style>.*?</style>"#, with: " ", options: [.regularExpression])
    text = text.replacingOccurrences(of: #"(?s)<script.*?</script>"#, with: " ", options: [.regularExpression])
    // Titles, aria-labels and alt texts are read too.
    let shown = try! NSRegularExpression(pattern: #"(?:title|aria-label|alt)="([^"]*)""#)
    let attributes = shown.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
        Range($0.range(at: 1), in: text).map { String(text[$0]) }
    }
    text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: [.regularExpression])
    return WeekExport.unescape(text + " " + attributes.joined(separator: " "))
}
