import Foundation
import InboxReport
import Testing
import TestSupport

/// site.md, *Experiments*: the example's two tests, their pages and the interval columns of the downloads.
@Suite struct ExperimentPageTests {
    @Test func theExamplesExperimentsAreDrawnWithTheirVerdicts() throws {
        let (out, _) = try LinkTests.buildExample()
        let list = try #require(out.read("public/experiments/index.html"))
        #expect(list.contains("href=\"../experiments/promotions-frequency/index.html\"") && list.contains("href=\"../experiments/winter-layers-subject/index.html\""))

        let frequency = try #require(out.read("public/experiments/promotions-frequency/index.html"))
        // The coverage in numbers, and the verdict for the second mail a week: it cost unsubscribes per recipient
        // (an interval wholly above zero) and brought no clear difference in clicks per recipient.
        #expect(frequency.contains("Week 38, 2026 to Week 43, 2026 (6 weeks): 2 cohorts, 18 sends, 3,000 recipients."))
        #expect(frequency.contains("twice (1.9 a week) against once (1.0 a week), per recipient over the test:"))
        #expect(frequency.range(of: #"<li>cost \+[0-9.]+\u00A0pp recipients who unsubscribed \(\+[0-9.]+ to \+[0-9.]+\u00A0pp\)</li>"#, options: .regularExpression) != nil)
        #expect(frequency.contains("<li>no clear difference in clicks per recipient ("))
        #expect(frequency.contains("once (control)"))

        let subject = try #require(out.read("public/experiments/winter-layers-subject/index.html"))
        #expect(subject.range(of: #"B beat A on Human open rate: a 9[5-9]\.[0-9]% probability to be better\."#, options: .regularExpression) != nil)
        #expect(subject.contains("class=\"mark\">baseline</span>"))

        // The navigation names the experiments on every page; the glossary explains how sure a figure is.
        #expect(try #require(out.read("public/index.html")).contains(">Experiments</a>"))
        let glossary = try #require(out.read("public/glossary/index.html"))
        #expect(glossary.contains("id=\"how-sure\"") && glossary.contains("19 times in 20"))
        for page in out.files(under: "public") where page.hasPrefix("experiments/") {
            let html = try #require(out.read("public/\(page)"))
            #expect(html.range(of: #"ft(once|twice)\d+@"#, options: .regularExpression) == nil, "an address in \(page)")
        }
    }
}
