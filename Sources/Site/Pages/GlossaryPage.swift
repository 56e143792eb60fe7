import Foundation
import Metrics
import ReportCore

/// `glossary/index.html`: every KPI with its numerator, denominator, what it counts, and the thresholds.
enum GlossaryPage {
    static func render(_ ctx: SiteContext) throws -> Data {
        let root = "../"
        let f = ctx.format
        let th = ctx.report.config.thresholds
        var page = try ctx.page(root: root, title: try ctx.t("glossary.title"), section: "glossary")
        page["entries"] = try KPI.allCases.map { kpi -> [String: Any] in
            var entry: [String: Any] = [
                "anchor": kpi.rawValue,
                "label": try ctx.kpiLabel(kpi),
                "numerator": try ctx.t("glossary.\(kpi.rawValue).numerator"),
                "denominator": try ctx.t("glossary.\(kpi.rawValue).denominator"),
                "counts": try ctx.t("glossary.\(kpi.rawValue).counts"),
                "direction": try ctx.t(kpi.higherIsBetter ? "glossary.higher_is_better" : "glossary.lower_is_better"),
            ]
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
            entry["thresholds"] = thresholds
            return entry
        }
        page["marks"] = try ["provisional", "low_volume", "no_proxy_signal", "tracking_off"].map { key -> [String: Any] in
            let help = key == "low_volume"
                ? try ctx.labels.format("mark.low_volume_help", ["n": f.count(th.lowVolumeDelivered)])
                : try ctx.t("mark.\(key)_help")
            return ["label": try ctx.t("mark.\(key)"), "help": help]
        }
        page["aggregation"] = try ctx.t("glossary.aggregation")
        return try ctx.render("glossary", page)
    }
}

/// `404.html`: served for any missing path, so its styles are inline and its links absolute from the root.
enum NotFoundPage {
    static func render(_ ctx: SiteContext) throws -> Data {
        // Servers show 404.html at any depth, so its links are absolute when the site's address is known;
        // without one they are relative to the site's root, where 404.html lies — right from file:// and
        // for a missing page at the top level (set base_url for every depth).
        let home = ctx.report.config.baseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
        var page = try ctx.page(root: home, title: try ctx.t("notfound.title"), section: "404")
        page["home"] = home + "index.html"
        page["inline_css"] = ctx.templates.files["assets/style.css"] ?? ""
        return try ctx.render("404", page)
    }
}
