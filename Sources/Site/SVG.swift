import Foundation

/// Escaping, axes and legends shared by the chart writers. Charts are inline SVG styled by the site's
/// CSS classes, so light, dark and print styles apply to them too.
///
/// **Text a person can read.** Every chart is drawn twice, for the width it is shown at: a *wide* drawing
/// for screens and print (`ChartWidth.grid` or `.full` user units across) and a *narrow* one for phones
/// (`ChartWidth.phone`), with fewer axis labels and the legend wrapped; the stylesheet shows one of them.
/// Because each is drawn about as wide as it is shown, its 13-unit text is drawn at about 13 px (≥ 12 px at
/// 1280 px, ≥ 10 px at 390 px — `make site-check` measures it), instead of one drawing shrunk to fit a phone.
enum SVG {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A coordinate with at most one decimal, so output is stable and small.
    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// About how wide a label of 13-unit text is drawn (sans-serif averages a little over half an em).
    static func textWidth(_ text: String) -> Double { Double(text.count) * 7.4 }

    /// The opening tag with the accessible title and description every chart carries.
    static func open(id: String, width: Double, height: Double, title: String, description: String, cssClass: String) -> String {
        "<svg class=\"chart \(cssClass)\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<title id=\"\(id)-t\">\(escape(title))</title><desc id=\"\(id)-d\">\(escape(description))</desc>"
    }

    /// Horizontal grid lines at the ticks, each labelled on the left: the y axis of every chart.
    static func yGrid(_ ticks: [Double], left: Double, width: Double, format: (Double) -> String, y: (Double) -> Double) -> String {
        var out = ""
        for t in ticks {
            out += "<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(left + width))\" y1=\"\(n(y(t)))\" y2=\"\(n(y(t)))\"/>"
            out += "<text class=\"axis\" x=\"\(n(left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\">\(escape(format(t)))</text>"
        }
        return out
    }

    /// The room the y axis labels need on the left.
    static func axisWidth(_ ticks: [Double], format: (Double) -> String) -> Double {
        max(36, (ticks.map { textWidth(format($0)) }.max() ?? 0) + 10)
    }

    /// Category labels under the plot, thinned so they never overlap, always keeping the last.
    /// Category labels under a plot, thinned to fit; a label that would run past the drawing's edge (`drawing`
    /// wide) is anchored at that edge instead of centred on its point.
    static func xLabels(_ categories: [String], width: Double, drawing: Double, baseline: Double, x: (Int) -> Double) -> String {
        let count = max(categories.count, 1)
        let labelWidth = (categories.map(textWidth).max() ?? 0) + 14
        let every = max(1, Int((Double(count) * labelWidth / width).rounded(.up)))
        // From the last label (thinning keeps it) leftwards, skipping one that would touch the label after it.
        var drawn: [String] = [], limit = Double.infinity
        for (i, label) in categories.enumerated().reversed() where (count - 1 - i) % every == 0 {
            let w = textWidth(label), at = x(i)
            let (px, anchor, from, to) = at + w / 2 > drawing - 2 ? (drawing - 2, "end", drawing - 2 - w, drawing - 2)
                : at - w / 2 < 2 ? (2, "start", 2, 2 + w) : (at, "middle", at - w / 2, at + w / 2)
            guard to + 6 <= limit else { continue }
            limit = from
            drawn.append("<text class=\"axis\" x=\"\(n(px))\" y=\"\(n(baseline))\" text-anchor=\"\(anchor)\">\(escape(label))</text>")
        }
        return drawn.reversed().joined()
    }

    /// Round axis steps: 1, 2, 2.5, 5 × 10ⁿ, about `count` of them up to `maximum`.
    static func ticks(maximum: Double, count: Int = 4) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0] }
        let raw = maximum / Double(count)
        let magnitude = pow10(floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var v = 0.0
        while v <= maximum * 1.0001 {
            out.append(v)
            v += step
        }
        if let last = out.last, last < maximum { out.append(last + step) }
        return out
    }

    private static func pow10(_ e: Double) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<Int(e) { r *= 10 } } else { for _ in 0..<Int(-e) { r /= 10 } }
        return r
    }

    /// One entry of a chart's legend: what it looks like in the chart, and its name.
    struct LegendItem {
        enum Key {
            /// A series line (`s1` … `s5`), solid or dashed.
            case line(color: String, dashed: Bool)
            /// A goal or threshold rule drawn across the plot.
            case rule(kind: String)
            /// A rule whose value lies above the plotted range: drawn as an arrow at the top edge.
            case above(kind: String)
            /// A vertical marker (a win-back or re-activation send).
            case marker
            /// A filled swatch (a bar segment's class).
            case swatch(cssClass: String)
            /// A light band behind a line: a rate's 95 % interval (`band s1`) or the usual range (`usual-band`).
            case band(cssClass: String)
        }
        var key: Key
        var name: String
    }

    /// Lays a legend out in rows that fit `width`; returns the SVG and the height it takes (rows of 18).
    static func legend(_ items: [LegendItem], left: Double, width: Double, top: Double) -> (svg: String, height: Double) {
        guard !items.isEmpty else { return ("", 0) }
        var out = ""
        var x = left, row = 0.0
        for item in items {
            let w = 26 + textWidth(item.name) + 16
            if x > left && x + w > left + width { x = left; row += 1 }
            let cy = top + row * 18 + 9
            switch item.key {
            case .line(let color, let dashed):
                out += "<line class=\"line \(color) \(dashed ? "dashed" : "solid")\" x1=\"\(n(x))\" x2=\"\(n(x + 20))\" y1=\"\(n(cy))\" y2=\"\(n(cy))\"/>"
            case .rule(let kind):
                out += "<line class=\"rule rule-\(kind)\" x1=\"\(n(x))\" x2=\"\(n(x + 20))\" y1=\"\(n(cy))\" y2=\"\(n(cy))\"/>"
            case .above(let kind):
                out += "<path class=\"above rule-\(kind)\" d=\"M\(n(x + 10)) \(n(cy - 6))l6 10h-12z\"/>"
            case .marker:
                out += "<line class=\"marker\" x1=\"\(n(x + 10))\" x2=\"\(n(x + 10))\" y1=\"\(n(cy - 7))\" y2=\"\(n(cy + 7))\"/>"
            case .swatch(let cssClass):
                out += "<rect class=\"seg \(cssClass)\" x=\"\(n(x + 4))\" y=\"\(n(cy - 6))\" width=\"12\" height=\"12\"/>"
            case .band(let cssClass):
                out += "<rect class=\"\(cssClass)\" x=\"\(n(x))\" y=\"\(n(cy - 5))\" width=\"20\" height=\"10\"/>"
            }
            out += "<text class=\"legend\" x=\"\(n(x + 26))\" y=\"\(n(cy + 4.5))\">\(escape(item.name))</text>"
            x += w
        }
        return (out, (row + 1) * 18)
    }
}

/// How wide (in SVG user units, drawn at about one px each) each drawing of a chart is.
enum ChartWidth {
    /// A chart in a grid of two on a wide screen (`.charts`).
    static let grid = 540.0
    /// A chart across the content (`.chart-box.wide`, at most 860 px wide).
    static let full = 860.0
    /// Any chart on a phone.
    static let phone = 340.0
}

/// A chart drawn at a given width; `svg(id:)` gives both drawings, wide and narrow.
protocol Chart {
    /// How wide the wide drawing is: `ChartWidth.grid` or `.full`.
    var wideWidth: Double { get }
    func draw(id: String, width: Double, cssClass: String) -> String
}

extension Chart {
    /// The wide drawing (screens and print) and the narrow one (phones); the stylesheet shows one.
    func svg(id: String) -> String {
        draw(id: id, width: wideWidth, cssClass: "size-wide") + draw(id: id + "-narrow", width: ChartWidth.phone, cssClass: "size-narrow")
    }
}
