import Mustache

// The typed models pages are drawn from, handed to swift-mustache as dictionaries of their stored properties
// (`MustacheTree`), in which a nil Optional is a missing value, so a section such as `{{#note}}…{{/note}}`
// shows only when the note is there. **Property names are the template variables**
// (`page_title`, `change_class`), which is why they are snake_case: users' own templates name them, and
// `docs/templates.md` (generated from these types by `TemplateDocsTests`) lists them per template.

/// A page: its own model and the parts every page has (`Chrome`). Templates see the fields of both as one
/// set of variables; the model's win where both have one (`tree()`).
struct Page<Model: Encodable> {
    let chrome: Chrome
    let model: Model
}

/// A page: its model's fields over its chrome's, as `MustacheTree` makes them.
extension Page {
    /// - Parameter markers: the chrome's slots as their markers (`ChromeSlot`), not their values.
    func tree(markers: Bool = false) throws -> [String: Any] {
        var out = try MustacheTree.fields(of: markers ? chrome.withMarkers() : chrome)
        out.merge(try MustacheTree.fields(of: model)) { _, mine in mine }
        return out
    }
}

/// What every page has: the labels, the way to the root, navigation, freshness.
struct Chrome: Encodable {
    /// The label catalogue as a tree: `{{t.nav.weeks}}`.
    let t: LabelTree
    /// The site's root from this page (`../../`), or its address on the 404 page.
    let root: String
    let lang: String
    let page_title: String
    let site_title: String
    let nav: [NavLink]
    let programs_nav: [NavLink]
    /// "Data up to 21 Nov 2026, 08:00".
    let freshness: String
    let generator: String
    /// The project has `templates/assets/custom.css`: linked after the default stylesheet, so a rule of
    /// its own (a colour, a font) needs no copy of the whole file.
    let custom_css: Bool
    /// The stylesheets themselves (the default, then the project's custom.css), on pages that must stand
    /// alone (the 404 page, the exported week).
    var inline_css: String?
    /// The exported week's address on the published site, when it is known.
    var site_href: String?
    /// Which entry of `nav` links the latest week (a `ChromeSlot`, like `freshness`).
    private(set) var latestWeekLink: Int?
    /// Encoded with the slots' markers instead of their values (`ChromeSlot`).
    private(set) var drawsMarkers = false
}

/// The slots of the chrome (`ChromeSlot`): encoded as their markers or as their values.
extension Chrome {
    enum CodingKeys: String, CodingKey {
        case t, root, lang, page_title, site_title, nav, programs_nav, freshness, generator, custom_css, inline_css, site_href
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(t, forKey: .t)
        try c.encode(root, forKey: .root)
        try c.encode(lang, forKey: .lang)
        try c.encode(page_title, forKey: .page_title)
        try c.encode(site_title, forKey: .site_title)
        var nav = nav
        if drawsMarkers, let i = latestWeekLink {
            nav[i] = NavLink(href: ChromeSlot.latestWeek.marker, label: nav[i].label, current: nav[i].current)
        }
        try c.encode(nav, forKey: .nav)
        try c.encode(programs_nav, forKey: .programs_nav)
        try c.encode(drawsMarkers ? ChromeSlot.freshness.marker : freshness, forKey: .freshness)
        try c.encode(generator, forKey: .generator)
        try c.encode(custom_css, forKey: .custom_css)
        try c.encodeIfPresent(inline_css, forKey: .inline_css)
        try c.encodeIfPresent(site_href, forKey: .site_href)
    }

    /// The same chrome, its entry `index` of `nav` being the link to the latest week.
    func linkingLatestWeek(at index: Int?) -> Chrome {
        var out = self
        out.latestWeekLink = index
        return out
    }

    /// The same chrome, encoded with its slots' markers.
    func withMarkers() -> Chrome {
        var out = self
        out.drawsMarkers = true
        return out
    }

    /// Each slot's value, unescaped.
    var slotValues: [ChromeSlot: String] {
        var out: [ChromeSlot: String] = [.freshness: freshness]
        if let i = latestWeekLink { out[.latestWeek] = nav[i].href }
        return out
    }
}

struct NavLink: Encodable {
    let href: String
    let label: String
    let current: Bool
}

/// A list whose section disappears when it is empty: `{{#alerts}}{{#items}}…{{/items}}{{/alerts}}`.
struct ItemList<Item: Encodable>: Encodable {
    let items: [Item]

    /// Nil for no items, so the section is not drawn.
    static func of(_ items: [Item]) -> ItemList? { items.isEmpty ? nil : ItemList(items: items) }
}

/// A mark beside a figure: provisional, no proxy signal, tracking off; beside an alert, certain or possible.
struct Mark: Encodable {
    let label: String
    let title: String
    let `class`: String
}

/// A rate, what it is a ratio of, and its change against the previous week.
struct RateCell: Encodable {
    let value: String
    /// "1,234 / 56,789 · 95 % interval 2.0–2.4%": the cell's tooltip.
    let parts: String?
    /// "2.0–2.4%": the rate's 95 % interval.
    var interval: String?
    /// The interval is wider than the rate (`Ratio.isTooFewToJudge`): the value is shown muted, with a "?".
    var too_few = false
    /// "Too few to judge: …", the "?"'s tooltip.
    var too_few_help: String?
    var change: String?
    /// `better`, `worse` or `flat` (also for a change within chance).
    var change_class: String?
    /// The change's 95 % interval and whether it is a change or within chance.
    var change_title: String?
    /// "21.0–24.3%": the program's usual range (week pages), shown after the word `interval.usual`.
    var usual: String?
    var usual_title: String?
    /// `below`, `within` or `above` the usual range.
    var usual_class: String?
    /// A small trend of the same rate (the overview's program table).
    var sparkline: String?
}

/// A table column of a KPI: its short heading, its full name (the heading's tooltip), its glossary entry.
struct KPIColumn: Encodable {
    let label: String
    let short: String
    let anchor: String
}

/// One send in a table of sends.
struct SendRow: Encodable {
    let href: String
    let title: String
    let id: String
    let program: String
    let program_href: String
    let date: String
    let delivered: String
    let human_open_rate: RateCell
    let click_rate: RateCell
    let unsubscribe_rate: RateCell
    let complaint_rate: RateCell
    let hard_bounce_rate: RateCell
    /// The same rates in the order of `Columns.sends`.
    let cells: [RateCell]
    let marks: [Mark]
    /// Win-back or re-activation; nil for a regular send.
    let kind: String?
}

/// An alert in words, with a link to what raised it.
struct AlertItem: Encodable {
    let marks: [Mark]
    /// `critical`, `warning` or `recommendation`: the CSS class.
    let severity: String
    let severity_label: String
    let subject: String
    let href: String
    let message: String
    let advice: String
}

/// The figures of a chart as a table, for readers who want the numbers (and for screen readers).
struct FiguresTable: Encodable {
    struct Row: Encodable {
        let label: String
        let cells: [String]
    }
    let caption: String
    let columns: [String]
    let rows: [Row]
}

/// A chart with its title, drawings and figures.
struct ChartFigure: Encodable {
    let id: String
    let title: String
    /// Both drawings, as inline SVG (`{{{svg}}}`).
    let svg: String
    var figures: FiguresTable?
    /// What the chart covers, when it is drawn from part of the data.
    var coverage: String?
}

/// The list-health section: tiers per week and, per tier, the rates of the messages it received.
struct TierSection: Encodable {
    struct Row: Encodable {
        let `class`: String
        let name: String
        let help: String
        let now: String
        let delivered: String
        let unsubscribe_rate: RateCell
        let complaint_rate: RateCell
    }
    let id: String
    let title: String
    let svg: String
    let coverage: String
    let figures: FiguresTable
    let recipients_now: String
    let rows: [Row]
    let inactive_share: String
}

/// The mailbox-provider table of some sends.
struct ProviderSection: Encodable {
    struct Row: Encodable {
        let name: String
        let delivered: String
        let cells: [RateCell]
        let marks: [Mark]
    }
    let rows: [Row]
    let columns: [KPIColumn]
    let coverage: String
}

/// Re-activation outcomes of some sends: the bars and the table.
struct OutcomeSection: Encodable {
    struct Column: Encodable {
        let name: String
        let `class`: String
        let help: String
    }
    struct Cell: Encodable {
        let count: String
        let share: String
        /// "95 % interval 2.1–3.4%": the share's tooltip.
        let share_title: String?
    }
    struct Row: Encodable {
        let title: String
        let href: String
        let kind: String
        let program: String
        let date: String
        let status: String
        let pending: Bool
        let targeted: String
        let delivered: String
        let cells: [Cell]
        let late: String
    }
    let id: String
    let title: String
    let svg: String
    let rows: [Row]
    let coverage: String
    let columns: [Column]
    /// Another heading than "Outcomes" (the week page's "Re-activation outcomes this week").
    var heading: String?
}

/// A link to a page with its title (previous and next week, a campaign's program and week).
struct TitledLink: Encodable {
    let href: String
    let title: String
}
