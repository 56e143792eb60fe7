/// Stacked bars: per category, segments that add up (list-health tiers per week, outcomes per send).
/// Vertical bars over weeks, or horizontal 100 % bars with one row per category.
struct StackedBarChart {
    struct Segment {
        var name: String
        /// CSS class choosing the colour (`t-active`, `o-bounced` …).
        var cssClass: String
        var values: [Int]
    }

    var title: String
    var description: String
    var categories: [String]
    var segments: [Segment]
    var format: (Double) -> String

    /// Vertical stacked bars, one per category, with the legend on top.
    func verticalSVG(id: String) -> String {
        let w = LineChart.width, h = 260.0
        let left = LineChart.left, right = 16.0, top = 40.0, bottom = 28.0
        let plotW = w - left - right, plotH = h - top - bottom
        let totals = categories.indices.map { i in segments.reduce(0) { $0 + $1.values[i] } }
        let ticks = SVG.ticks(maximum: Double(max(totals.max() ?? 0, 1)))
        let yMax = ticks.last ?? 1
        let n = max(categories.count, 1)
        let slot = plotW / Double(n)
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }
        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "stacked-chart")
        out += SVG.yGrid(ticks, left: left, width: plotW, format: format, y: y)
        out += SVG.xLabels(categories, width: plotW, baseline: h - 8) { left + (Double($0) + 0.5) * slot }
        for i in categories.indices {
            var base = 0.0
            let x = left + Double(i) * slot + slot * 0.12
            for s in segments where s.values[i] > 0 {
                let v = Double(s.values[i])
                out += "<rect class=\"seg \(s.cssClass)\" x=\"\(SVG.n(x))\" y=\"\(SVG.n(y(base + v)))\" width=\"\(SVG.n(slot * 0.76))\" height=\"\(SVG.n(y(base) - y(base + v)))\"><title>\(SVG.escape(categories[i])) · \(SVG.escape(s.name)): \(SVG.escape(format(v)))</title></rect>"
                base += v
            }
        }
        out += legend(y: 14, left: left, width: plotW)
        return out + "</svg>"
    }

    /// Horizontal bars of shares (each row adds up to 100 %), one row per category, labels on the left.
    func horizontalSVG(id: String) -> String {
        let w = LineChart.width, labelW = 200.0, rowH = 30.0, top = 40.0
        let h = top + rowH * Double(categories.count) + 8
        let barW = w - labelW - 16
        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "stacked-chart")
        for (i, name) in categories.enumerated() {
            let y = top + Double(i) * rowH
            let total = segments.reduce(0) { $0 + $1.values[i] }
            out += "<text class=\"legend\" x=\"0\" y=\"\(SVG.n(y + 19))\">\(SVG.escape(String(name.prefix(28))))</text>"
            var x = labelW
            for s in segments where total > 0 && s.values[i] > 0 {
                let share = Double(s.values[i]) / Double(total)
                let sw = share * barW
                out += "<rect class=\"seg \(s.cssClass)\" x=\"\(SVG.n(x))\" y=\"\(SVG.n(y + 4))\" width=\"\(SVG.n(sw))\" height=\"\(SVG.n(rowH - 10))\"><title>\(SVG.escape(name)) · \(SVG.escape(s.name)): \(s.values[i]) (\(SVG.escape(format(share))))</title></rect>"
                if sw > 44 {
                    out += "<text class=\"seg-label\" x=\"\(SVG.n(x + sw / 2))\" y=\"\(SVG.n(y + 19))\" text-anchor=\"middle\">\(SVG.escape(format(share)))</text>"
                }
                x += sw
            }
        }
        out += legend(y: 14, left: labelW, width: barW)
        return out + "</svg>"
    }

    private func legend(y: Double, left: Double, width: Double) -> String {
        var out = ""
        var lx = left
        var ly = y
        for s in segments {
            let itemW = 20 + Double(s.name.count) * 7 + 14
            if lx + itemW > left + width { lx = left; ly += 16 }
            out += "<rect class=\"seg \(s.cssClass)\" x=\"\(SVG.n(lx))\" y=\"\(SVG.n(ly - 9))\" width=\"12\" height=\"12\"/>"
            out += "<text class=\"legend\" x=\"\(SVG.n(lx + 17))\" y=\"\(SVG.n(ly + 2))\">\(SVG.escape(s.name))</text>"
            lx += itemW
        }
        return out
    }
}
