/// Stacked bars: per category, segments that add up (list-health tiers per week, outcomes per send).
/// Vertical bars over weeks, or horizontal 100 % bars with one row per category.
struct StackedBarChart: Chart {
    enum Orientation { case vertical, horizontal }

    struct Segment {
        var name: String
        /// CSS class choosing the colour (`t-active`, `o-bounced` …); a share printed on the segment takes
        /// its ink from the same class (`text.seg-label.o-bounced`), chosen in the stylesheet for 4.5:1.
        var cssClass: String
        var values: [Int]
    }

    var title: String
    var description: String
    var categories: [String]
    var segments: [Segment]
    var orientation: Orientation
    var wideWidth = ChartWidth.full
    var format: (Double) -> String

    func draw(id: String, width: Double, cssClass: String) -> String {
        switch orientation {
        case .vertical: vertical(id: id, width: width, cssClass: cssClass)
        case .horizontal: horizontal(id: id, width: width, cssClass: cssClass)
        }
    }

    private var legendItems: [SVG.LegendItem] {
        segments.map { SVG.LegendItem(key: .swatch(cssClass: $0.cssClass), name: $0.name) }
    }

    /// Vertical stacked bars, one per category, with the legend on top.
    private func vertical(id: String, width w: Double, cssClass: String) -> String {
        let totals = categories.indices.map { i in segments.reduce(0) { $0 + $1.values[i] } }
        let ticks = SVG.ticks(maximum: Double(max(totals.max() ?? 0, 1)))
        let left = SVG.axisWidth(ticks, format: format), right = 12.0, bottom = 28.0, plotH = 190.0
        let legend = SVG.legend(legendItems, left: 0, width: w, top: 2)
        let top = legend.height + 14
        let plotW = w - left - right, h = top + plotH + bottom
        let yMax = ticks.last ?? 1
        let n = max(categories.count, 1)
        let slot = plotW / Double(n)
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }
        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "stacked-chart \(cssClass)")
        out += legend.svg
        out += SVG.yGrid(ticks, left: left, width: plotW, format: format, y: y)
        out += SVG.xLabels(categories, width: plotW, drawing: w, baseline: h - 8) { left + (Double($0) + 0.5) * slot }
        for i in categories.indices {
            var base = 0.0
            let x = left + Double(i) * slot + slot * 0.12
            for s in segments where s.values[i] > 0 {
                let v = Double(s.values[i])
                out += "<rect class=\"seg \(s.cssClass)\" x=\"\(SVG.n(x))\" y=\"\(SVG.n(y(base + v)))\" width=\"\(SVG.n(slot * 0.76))\" height=\"\(SVG.n(y(base) - y(base + v)))\"><title>\(SVG.escape(categories[i])) · \(SVG.escape(s.name)): \(SVG.escape(format(v)))</title></rect>"
                base += v
            }
        }
        return out + "</svg>"
    }

    /// Horizontal bars of shares (each row adds up to 100 %), one row per category: the category's name on
    /// the left where there is room, above its bar on a phone.
    private func horizontal(id: String, width w: Double, cssClass: String) -> String {
        let labelsAbove = w < 500
        let labelW = labelsAbove ? 0 : 200.0
        let rowH = labelsAbove ? 46.0 : 30.0
        let legend = SVG.legend(legendItems, left: labelW, width: w - labelW, top: 2)
        let top = legend.height + 12
        let h = top + rowH * Double(categories.count) + 4
        let barW = w - labelW - 4
        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "stacked-chart \(cssClass)")
        out += legend.svg
        for (i, name) in categories.enumerated() {
            let y = top + Double(i) * rowH
            let barTop = labelsAbove ? y + 20 : y + 4
            let total = segments.reduce(0) { $0 + $1.values[i] }
            let room = labelsAbove ? Int(w / 7.4) : 26
            let shown = name.count > room ? String(name.prefix(room - 1)) + "…" : name
            out += "<text class=\"legend\" x=\"0\" y=\"\(SVG.n(labelsAbove ? y + 14 : y + 19))\">\(SVG.escape(shown))<title>\(SVG.escape(name))</title></text>"
            var x = labelW
            for s in segments where total > 0 && s.values[i] > 0 {
                let share = Double(s.values[i]) / Double(total)
                let sw = share * barW
                out += "<rect class=\"seg \(s.cssClass)\" x=\"\(SVG.n(x))\" y=\"\(SVG.n(barTop))\" width=\"\(SVG.n(sw))\" height=\"20\"><title>\(SVG.escape(name)) · \(SVG.escape(s.name)): \(s.values[i]) (\(SVG.escape(format(share))))</title></rect>"
                let label = format(share)
                if sw > SVG.textWidth(label) + 8 {
                    out += "<text class=\"seg-label \(s.cssClass)\" x=\"\(SVG.n(x + sw / 2))\" y=\"\(SVG.n(barTop + 15))\" text-anchor=\"middle\">\(SVG.escape(label))</text>"
                }
                x += sw
            }
        }
        return out + "</svg>"
    }
}
