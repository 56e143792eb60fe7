import Foundation
import Metrics
import ReportCore

/// `export report`: one weekly report as a single self-contained HTML file to attach to an email. Styles
/// are inline and charts inline SVG, so nothing is fetched from any file or host. Links to other pages of
/// the site become absolute under `baseURL`; without one they become plain text, since they would lead
/// nowhere from an attachment.
public enum WeekExport {
    public static func render(report: Report, notes: Notes, templates: TemplateSet, week: ISOWeek, baseURL: String?) throws -> Data {
        guard let weekReport = report.weeks.first(where: { $0.week == week }) else {
            throw SiteError.template("no sends in \(week)")
        }
        let ctx = try SiteContext(report: report, notes: notes, templates: templates)
        // Drawn as the week's own page, then its links are rewritten for a file that stands alone.
        let route = Route.week(week)
        let links = PageLinks(route)
        var chrome = try ctx.chrome(links, title: ctx.format.weekHeading(week), section: .week)
        chrome.inline_css = ctx.inlineCSS
        let base = baseURL.map(PageLinks.folder)
        if let base { chrome.site_href = base + route.outputPath }
        let html = try templates.render("export-week", Page(chrome: chrome, model: try WeekPage.model(ctx, weekReport, links)))
        return Data(rewriteLinks(html, pagePath: route.outputPath, base: base).utf8)
    }

    /// Makes every site-relative link absolute under `base`, or turns it into plain text without a base.
    /// Absolute links (`https:` …) and in-page anchors stay as they are.
    static func rewriteLinks(_ html: String, pagePath: String, base: String?) -> String {
        let pattern = try! NSRegularExpression(pattern: #"<a\b([^>]*?)\shref="([^"]*)"([^>]*)>(.*?)</a>"#, options: [.dotMatchesLineSeparators])
        let ns = html as NSString
        var out = ""
        var last = 0
        for m in pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            last = m.range.location + m.range.length
            let before = ns.substring(with: m.range(at: 1)), href = ns.substring(with: m.range(at: 2))
            let after = ns.substring(with: m.range(at: 3)), text = ns.substring(with: m.range(at: 4))
            let raw = unescape(href)
            if raw.hasPrefix("#") || raw.contains(":") {
                out += ns.substring(with: m.range)  // in-page or already absolute (https:, mailto:)
            } else if let base, let pageURL = URL(string: base + pagePath), let resolved = URL(string: raw, relativeTo: pageURL)?.absoluteURL {
                out += "<a\(before) href=\"\(escape(resolved.absoluteString))\"\(after)>\(text)</a>"
            } else {
                out += "<span class=\"link-text\">\(text)</span>"
            }
        }
        out += ns.substring(from: last)
        return out
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ s: String) -> String { SVG.escape(s) }
}
