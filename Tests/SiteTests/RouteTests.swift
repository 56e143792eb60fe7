import Foundation
import ReportCore
@testable import Site
import Testing
import TestSupport

/// One route type gives every output path and every link; page models are structs rendered directly.
@Suite struct RouteTests {
    let w47 = ISOWeek(year: 2026, week: 47)

    @Test func everyPageKnowsItsPath() {
        #expect(Route.index.outputPath == "index.html")
        #expect(Route.week(w47).outputPath == "weeks/2026-W47/index.html")
        #expect(Route.program("newsletter").outputPath == "programs/newsletter/index.html")
        #expect(Route.campaign("nl-2026w47").outputPath == "campaigns/nl-2026w47/index.html")
        #expect(Route.campaign("a/b c").outputPath == "campaigns/\(Slug.pathSegment(forID: "a/b c"))/index.html")
        #expect(Route.notFound.outputPath == "404.html")
        #expect(Route.download("weeks.csv").outputPath == "data/weeks.csv")
    }

    @Test func linksAreDerivedFromBothEnds() {
        #expect(Route.campaign("x").href(from: .week(w47)) == "../../campaigns/x/index.html")
        #expect(Route.glossary.href(from: .index, fragment: "complaint_rate") == "glossary/index.html#complaint_rate")
        #expect(Route.index.href(from: .glossary) == "../index.html")
        #expect(Route.asset("style.css").href(from: .notFound) == "assets/style.css")
        #expect(PageLinks(.week(w47)).root == "../../")
        let absolute = PageLinks(.notFound, base: "https://r.example/acme")
        #expect(absolute.root == "https://r.example/acme/")
        #expect(absolute.to(.program("p"), fragment: "week-2026-W47") == "https://r.example/acme/programs/p/index.html#week-2026-W47")
    }

    struct Row: Encodable { let name: String; let note: String? }
    struct Model: Encodable {
        let rows: [Row]
        let title: String
        let missing: String?
        let tags: [String?]
        let count: Int
        let share: Double
        let flag: Bool
        /// A model field of the same name as a chrome field wins.
        let page_title: String
    }

    @Test func structsAndOptionalsRenderAndThePageSeesItsChrome() throws {
        let templates = try TemplateSet(overrides: ["t.mustache": "{{site_title}}/{{title}}:{{#rows}}[{{name}}{{#note}} ({{note}}){{/note}}]{{/rows}}"
            + "{{^missing}}!{{/missing}}{{#tags}}<{{.}}>{{/tags}}{{count}} {{share}} {{#flag}}F{{/flag}} {{page_title}} {{t.nav.weeks}}"])
        let chrome = Chrome(t: LabelTree(["nav": ["weeks": "Weeks"]]), root: "", lang: "en", page_title: "P", site_title: "S", nav: [],
                            programs_nav: [], freshness: "", generator: "", custom_css: false)
        let model = Model(rows: [Row(name: "a", note: nil), Row(name: "b", note: "n")], title: "T", missing: nil,
                          tags: ["x", nil, "y"], count: 1234, share: 0.5, flag: true, page_title: "Mine")
        // A nil field is absent (its inverted section shows), a nil element is dropped from its list.
        #expect(try templates.render("t", Page(chrome: chrome, model: model)) == "S/T:[a][b (n)]!<x><y>1234 0.5 F Mine Weeks")
        let tree = try Page(chrome: chrome, model: model).tree()
        #expect(tree["missing"] == nil)
        #expect((tree["rows"] as? [[String: Any]])?.first?["note"] == nil)
    }

    /// The label tree encodes as nested names through any encoder, not only the page's.
    @Test func theLabelTreeEncodesAsNestedNames() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(LabelTree(["nav": ["weeks": "Weeks"], "a": "b"]))
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":"b","nav":{"weeks":"Weeks"}}"#)
    }

    /// `Downloads.paths` (what a build may take from the last one's output) is where `Downloads.files` puts
    /// the downloads, and there is nothing else under `data/`.
    @Test func theDownloadsAreTheFilesTheirListNames() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        let written = project.files(under: "public").filter { $0.hasPrefix("data/") }
        #expect(Set(written) == Set(Downloads.paths))
        #expect(Downloads.paths.count == 7)
    }

    @Test func aProjectsCustomCSSComesAfterTheDefaultStylesheet() throws {
        let project = try SiteFixtures.project(extra: ["templates/assets/custom.css": ":root { --link: #a0006e; }\n"])
        try SiteFixtures.build(project)
        let week = try #require(project.read("public/weeks/2026-W47/index.html"))
        let style = try #require(week.range(of: "assets/style.css")), custom = try #require(week.range(of: "assets/custom.css"))
        #expect(style.lowerBound < custom.lowerBound)
        #expect(project.read("public/assets/custom.css")?.contains("#a0006e") == true)
        #expect(project.read("public/assets/style.css")?.contains("--link: #1b5fb4") == true)  // the default, whole
        // Pages that stand alone carry it inline, after the default rules.
        let notFound = try #require(project.read("public/404.html"))
        let inlineDefault = try #require(notFound.range(of: "--link: #1b5fb4")), inlineCustom = try #require(notFound.range(of: "#a0006e"))
        #expect(inlineDefault.lowerBound < inlineCustom.lowerBound)
        // Without one, no link to it.
        let plain = try SiteFixtures.project()
        try SiteFixtures.build(plain)
        #expect(plain.read("public/index.html")?.contains("custom.css") == false)
    }
}
