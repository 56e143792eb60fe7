import Testing
@testable import Site

/// The cmark wrapper: safe by default.
@Suite struct MarkdownTests {
    @Test func rendersCommonMark() {
        #expect(Markdown().html("# Hi\n\n- *a*\n- b\n") == "<h1>Hi</h1>\n<ul>\n<li><em>a</em></li>\n<li>b</li>\n</ul>\n")
        #expect(Markdown().html("") == "")
        #expect(Markdown.libraryVersion.hasPrefix("0."))
    }

    @Test func dropsRawHTMLAndUnsafeLinksByDefault() {
        let html = Markdown().html("<script>x()</script>\n\n[a](javascript:alert(1)) [b](https://ok.example)\n")
        #expect(!html.contains("<script>"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
        #expect(html.contains("<a href=\"\">a</a>"))
        #expect(html.contains("<a href=\"https://ok.example\">b</a>"))
    }

    @Test func aNotesHeadingsSitUnderThePagesHeading() {
        let html = Markdown().html("# Steady\n\n## What we did\n\n###### Deep\n\ntext\n", headingsBelow: 1)
        #expect(html == "<h2>Steady</h2>\n<h3>What we did</h3>\n<h6>Deep</h6>\n<p>text</p>\n")
    }

    @Test func trustedKeepsRawHTML() {
        #expect(Markdown(trusted: true).html("<div>x</div>\n") == "<div>x</div>\n")
    }
}

/// Number formats and chart helpers.
@Suite struct FormatTests {
    func format() throws -> Format {
        let labels = try TemplateSet(overrides: [:]).labels(language: "en")
        return try Format(labels: labels, timeZone: .init(identifier: "Europe/Stockholm")!)
    }

    @Test func percentagesCountsAndPoints() throws {
        let f = try format()
        #expect(f.percent(0.25252) == "25.3%")
        #expect(f.percent(0.00345) == "0.35%")   // below 1 %: two decimals
        #expect(f.percent(nil) == "—")
        #expect(f.percent(0) == "0.0%")
        #expect(f.count(1234567) == "1,234,567")
        #expect(f.count(nil) == "—")
        #expect(f.points(0.0123) == "+1.2\u{00A0}pp")
        #expect(f.points(-0.004) == "−0.40\u{00A0}pp")
        #expect(f.points(0) == "±0.00\u{00A0}pp")
        // An alert's value and threshold never print the same when they differ.
        #expect(f.percentPair(0.03462, 0.035) == ("3.46%", "3.50%"))
        #expect(f.percentPair(0.2, 0.25) == ("20.0%", "25.0%"))
    }

    @Test func datesAndWeeks() throws {
        let f = try format()
        #expect(f.weekTitle(.init(year: 2026, week: 47)) == "Week 47, 2026")
        #expect(f.weekRange(.init(year: 2026, week: 47)) == "16 Nov 2026 – 22 Nov 2026")
    }

    @Test func axisTicksAreRound() {
        #expect(SVG.ticks(maximum: 0.27) == [0, 0.1, 0.2, 0.30000000000000004])
        #expect(SVG.ticks(maximum: 45000) == [0, 20000, 40000, 60000].map(Double.init) || SVG.ticks(maximum: 45000) == [0, 25000, 50000])
    }
}
