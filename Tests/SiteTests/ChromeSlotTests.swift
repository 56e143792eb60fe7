import Foundation
@testable import Site
import Testing

/// A page is drawn with markers in its chrome's slots (the freshness line, the link to the latest week) and
/// their values put in afterwards (`ChromeSlot`): the result is the page drawn with the values in place, and a
/// page of the same digest from an earlier build, with new values in its slots, is the page drawn anew.
@Suite struct ChromeSlotTests {
    struct Model: Encodable { let title: String }

    /// A chrome whose nav's second link is the latest week's.
    func chrome(freshness: String, latest: String) -> Chrome {
        Chrome(t: LabelTree([:]), root: "../", lang: "en", page_title: "P", site_title: "S",
               nav: [NavLink(href: "../index.html", label: "Overview", current: false),
                     NavLink(href: latest, label: "Weeks", current: true)],
               programs_nav: [], freshness: freshness, generator: "", custom_css: false).linkingLatestWeek(at: 1)
    }

    static let layout = "<p>{{freshness}}</p>{{#nav}}<a href=\"{{href}}\">{{label}}</a>{{/nav}}<h1>{{title}}</h1>"

    /// What the library draws with the values in place: the chrome encoded without markers.
    func direct(_ templates: TemplateSet, _ page: Page<Model>) throws -> String {
        try templates.render("t", tree: try page.tree())
    }

    @Test func theSlotsAreFilledAsTheTemplateWouldHaveEscapedThem() throws {
        let templates = try TemplateSet(overrides: ["t.mustache": Self.layout])
        #expect(templates.slotsAreExact)
        // Values a template escapes: an ampersand, quotes, angle brackets.
        let page = Page(chrome: chrome(freshness: "Data <up> to \"9 Nov\" & 'then'", latest: "../weeks/a&b/index.html"), model: Model(title: "T"))
        let drawn = try templates.draw("t", page, earlier: nil)
        #expect(drawn.digest != nil)
        #expect(String(decoding: drawn.bytes, as: UTF8.self) == (try direct(templates, page)))
        #expect(String(decoding: drawn.bytes, as: UTF8.self).contains("Data &lt;up&gt; to &quot;9 Nov&quot; &amp;"))
        #expect(drawn.slots.map(\.slot) == [.freshness, .latestWeek])
        for slot in drawn.slots {
            let value = drawn.bytes[slot.offset..<(slot.offset + slot.length)]
            #expect(String(decoding: value, as: UTF8.self) == templates.escaped(page.chrome.slotValues[slot.slot]!))
        }
    }

    /// The same model a week later: the same digest, and the earlier bytes with the new values in the slots
    /// are the page drawn with them. Another model has another digest.
    @Test func anEarlierPageOfTheSameDigestWithNewValuesIsThePageDrawnAgain() throws {
        let templates = try TemplateSet(overrides: ["t.mustache": Self.layout])
        let before = try templates.draw("t", Page(chrome: chrome(freshness: "Data up to 2 Nov", latest: "../weeks/2026-W45/index.html"), model: Model(title: "T")), earlier: nil)
        let later = Page(chrome: chrome(freshness: "Data up to 9 Nov & more", latest: "../weeks/2026-W46/index.html"), model: Model(title: "T"))
        var asked: [UInt64] = []
        let refilled = try templates.draw("t", later, earlier: { digest in
            asked.append(digest)
            return digest == before.digest ? (before.bytes, before.slots) : nil
        })
        #expect(asked == [before.digest!], "the same model and chrome but for the slots: the same digest")
        #expect(String(decoding: refilled.bytes, as: UTF8.self) == (try direct(templates, later)))
        #expect(refilled.slots == (try templates.draw("t", later, earlier: nil)).slots)
        let other = try templates.draw("t", Page(chrome: later.chrome, model: Model(title: "U")), earlier: nil)
        #expect(other.digest != before.digest)
        let anotherTitle = Chrome(t: LabelTree([:]), root: "../", lang: "sv", page_title: "P", site_title: "S", nav: later.chrome.nav,
                                  programs_nav: [], freshness: "x", generator: "", custom_css: false).linkingLatestWeek(at: 1)
        #expect(try templates.draw("t", Page(chrome: anotherTitle, model: Model(title: "T")), earlier: nil).digest != before.digest,
                "the chrome outside its slots is in the digest (here its language)")
    }

    /// A template that puts a slot's value in any other way than `{{name}}` does: every page is drawn with
    /// its values in place and never taken from an earlier build.
    @Test(arguments: [
        "<p>{{{freshness}}}</p>", "<p>{{& freshness}}</p>", "{{#nav}}{{{href}}}{{/nav}}", "<p>{{lowercased(freshness)}}</p>",
        "{{#freshness}}{{{.}}}{{/freshness}}", "{{=<% %>=}}<%freshness%>", "<p>\u{E000}</p>{{freshness}}",
    ])
    func aTemplateThatEmitsASlotOtherwiseIsDrawnWithItsValues(_ template: String) throws {
        let templates = try TemplateSet(overrides: ["t.mustache": template])
        #expect(!templates.slotsAreExact)
        let page = Page(chrome: chrome(freshness: "Data & more", latest: "x&y"), model: Model(title: "T"))
        let drawn = try templates.draw("t", page, earlier: { _ in Issue.record("asked for an earlier page"); return nil })
        #expect(drawn.digest == nil)
        #expect(String(decoding: drawn.bytes, as: UTF8.self) == (try direct(templates, page)))
    }

    @Test func theDefaultTemplatesFillTheirSlotsExactly() throws {
        #expect(try TemplateSet(overrides: [:]).slotsAreExact)
        // A label is drawn into pages without going through the digest: one that is a marker is refused too.
        let label = try TemplateSet(overrides: ["i18n/en.yml": "site:\n  freshness: \"\(ChromeSlot.freshness.marker)\"\n"])
        #expect(!label.slotsAreExact)
    }

    /// A string of the page that is a marker, or holds a marker character, is never taken for a slot.
    @Test(arguments: [ChromeSlot.freshness.marker, ChromeSlot.latestWeek.marker, "a\u{E000}b", "\u{E000}freshness"])
    func aModelThatHoldsAMarkerIsDrawnWithItsValues(_ title: String) throws {
        let templates = try TemplateSet(overrides: ["t.mustache": Self.layout])
        let page = Page(chrome: chrome(freshness: "Data up to 9 Nov", latest: "../w/index.html"), model: Model(title: title))
        let drawn = try templates.draw("t", page, earlier: nil)
        #expect(drawn.digest == nil)
        #expect(String(decoding: drawn.bytes, as: UTF8.self) == (try direct(templates, page)))
        #expect(String(decoding: drawn.bytes, as: UTF8.self).contains("<h1>\(title)</h1>"))
    }
}
