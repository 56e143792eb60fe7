import Foundation
import Metrics
import ReportCore

/// `glossary/index.html`: every KPI with its numerator, denominator, what it counts, and the thresholds.
enum GlossaryPage {
    struct Model: Encodable {
        struct Entry: Encodable {
            /// The KPI's key, the entry's id: `glossary/index.html#complaint_rate`.
            let anchor: String
            let label: String
            let numerator: String
            let denominator: String
            let counts: String
            let direction: String
            /// The alert thresholds of the KPI, in words.
            let thresholds: [String]
        }
        struct MarkHelp: Encodable {
            let label: String
            let help: String
        }
        let entries: [Entry]
        let marks: [MarkHelp]
        let aggregation: String
        /// How sure a figure is: intervals, too few to judge, certain and possible alerts, changes, usual ranges.
        let certainty: [MarkHelp]
    }

    static func render(_ ctx: SiteContext) throws -> DrawnPage {
        let links = PageLinks(.glossary)
        let f = ctx.format
        let th = ctx.report.config.thresholds
        let entries = try KPI.allCases.map { kpi -> Model.Entry in
            var thresholds: [String] = []
            func band(_ b: Band) throws {
                if let w = b.warning { thresholds.append(try ctx.labels.format("glossary.threshold_at_least", ["level": try ctx.t("severity.warning"), "value": f.percent(w)])) }
                if let c = b.critical { thresholds.append(try ctx.labels.format("glossary.threshold_at_least", ["level": try ctx.t("severity.critical"), "value": f.percent(c)])) }
            }
            switch kpi {
            case .complaintRate: try band(th.complaintRate)
            case .hardBounceRate: try band(th.hardBounceRate)
            case .unsubscribeRate:
                thresholds.append(try ctx.labels.format("glossary.threshold_spike", ["factor": f.number(th.unsubscribeSpike, decimals: 1)]))
            case .humanOpenRate:
                thresholds.append(try ctx.labels.format("glossary.threshold_drop", ["factor": f.number(th.humanOpenDrop, decimals: 1)]))
            default: break
            }
            return Model.Entry(
                anchor: kpi.rawValue, label: try ctx.kpiLabel(kpi),
                numerator: try ctx.t("glossary.\(kpi.rawValue).numerator"),
                denominator: try ctx.t("glossary.\(kpi.rawValue).denominator"),
                counts: try ctx.t("glossary.\(kpi.rawValue).counts"),
                direction: try ctx.t(kpi.higherIsBetter ? "glossary.higher_is_better" : "glossary.lower_is_better"),
                thresholds: thresholds)
        }
        let marks = try ["provisional", "no_proxy_signal", "tracking_off"].map { key in
            Model.MarkHelp(label: try ctx.t("mark.\(key)"), help: try ctx.t("mark.\(key)_help"))
        }
        let certainty = try ["interval", "too_few", "certain", "change", "usual", "probability"].map { key in
            Model.MarkHelp(label: try ctx.t("glossary.sure.\(key)"), help: try ctx.t("glossary.sure.\(key)_help"))
        }
        let model = Model(entries: entries, marks: marks, aggregation: try ctx.t("glossary.aggregation"), certainty: certainty)
        return try ctx.render("glossary", try ctx.chrome(links, title: try ctx.t("glossary.title"), section: .glossary), model)
    }
}

/// `404.html`: served for any missing path, so its styles are inline and its links absolute from the root.
enum NotFoundPage {
    struct Model: Encodable {
        /// The overview's address.
        let home: String
    }

    static func render(_ ctx: SiteContext) throws -> DrawnPage {
        // Servers show 404.html at any depth, so its links are absolute when the site's address is known;
        // without one they are relative to the site's root, where 404.html lies — right from file:// and
        // for a missing page at the top level (set base_url for every depth).
        let links = PageLinks(.notFound, base: ctx.report.config.baseURL)
        var chrome = try ctx.chrome(links, title: try ctx.t("notfound.title"), section: .notFound)
        chrome.inline_css = ctx.inlineCSS
        return try ctx.render("404", chrome, Model(home: links.to(.index)))
    }
}
