/// A weekly trend: one or more lines over weeks, with goal and threshold rules, as inline SVG.
///
/// The y axis fits the data. A rule (goal or alert threshold) more than twice the highest value is not
/// drawn across the plot — it would flatten every line to the bottom — but marked by an arrow at the top
/// edge and named in the legend as lying above the chart. Every line, rule and marker is in the legend.
struct LineChart: Chart {
    enum LineStyle: String { case solid, dashed }
    enum RuleKind: String { case goal, warning, critical }

    struct Series {
        var name: String
        var values: [Double?]
        var style: LineStyle = .solid
        /// CSS class choosing the colour (`s1` … `s5`).
        var color: String
    }

    struct Rule {
        var name: String
        var value: Double
        var kind: RuleKind
    }

    /// Words the chart needs in the report's language.
    struct Words {
        /// The legend's name for the vertical markers ("win-back or re-activation send").
        var marker = ""
        /// A rule above the plotted range, given its name and value ("warning 0.10 %, above the chart").
        var above: (String) -> String = { $0 }
    }

    var title: String
    var description: String
    var categories: [String]
    var series: [Series]
    var rules: [Rule] = []
    /// Vertical markers at category indices (win-back and re-activation sends on a program's trends).
    var markers: [(index: Int, label: String)] = []
    var words = Words()
    var wideWidth = ChartWidth.grid
    var format: (Double) -> String

    /// A rule is drawn across the plot when it is at most this many times the highest value.
    static let ruleReach = 2.0
    static let plotHeight = 180.0

    /// The rules drawn across the plot and those only noted above it.
    func splitRules() -> (inside: [Rule], above: [Rule]) {
        let dataMax = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        guard dataMax > 0 else { return (rules, []) }
        return (rules.filter { $0.value <= dataMax * Self.ruleReach }, rules.filter { $0.value > dataMax * Self.ruleReach })
    }

    func draw(id: String, width w: Double, cssClass: String) -> String {
        let (inside, above) = splitRules()
        let n = max(categories.count, 1)
        let shownMarkers = markers.filter { $0.index < n }
        var items = series.map { SVG.LegendItem(key: .line(color: $0.color, dashed: $0.style == .dashed), name: $0.name) }
        items += inside.map { SVG.LegendItem(key: .rule(kind: $0.kind.rawValue), name: "\($0.name) \(format($0.value))") }
        items += above.map { SVG.LegendItem(key: .above(kind: $0.kind.rawValue), name: words.above("\($0.name) \(format($0.value))")) }
        if !shownMarkers.isEmpty { items.append(.init(key: .marker, name: words.marker)) }

        let maxValue = (series.flatMap { $0.values.compactMap { $0 } } + inside.map(\.value)).max() ?? 0
        let ticks = SVG.ticks(maximum: maxValue > 0 ? maxValue * 1.08 : 0.01)
        let yMax = ticks.last ?? 1
        let left = SVG.axisWidth(ticks, format: format), right = 12.0, bottom = 28.0
        let legend = SVG.legend(items, left: 0, width: w, top: 2)
        let top = legend.height + 14
        let plotW = w - left - right, plotH = Self.plotHeight
        let h = top + plotH + bottom
        func x(_ i: Int) -> Double { left + (Double(i) + 0.5) * plotW / Double(n) }
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }

        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "line-chart \(cssClass)")
        out += legend.svg
        out += SVG.yGrid(ticks, left: left, width: plotW, format: format, y: y)
        out += SVG.xLabels(categories, width: plotW, baseline: h - 8, x: x)
        for m in shownMarkers {
            out += "<line class=\"marker\" x1=\"\(SVG.n(x(m.index)))\" x2=\"\(SVG.n(x(m.index)))\" y1=\"\(SVG.n(top))\" y2=\"\(SVG.n(top + plotH))\"><title>\(SVG.escape(m.label))</title></line>"
        }
        for rule in inside {
            let ry = y(rule.value)
            out += "<line class=\"rule rule-\(rule.kind.rawValue)\" x1=\"\(SVG.n(left))\" x2=\"\(SVG.n(left + plotW))\" y1=\"\(SVG.n(ry))\" y2=\"\(SVG.n(ry))\"><title>\(SVG.escape(rule.name)) \(SVG.escape(format(rule.value)))</title></line>"
        }
        // Rules above the plotted range: an arrow each at the top edge, right-aligned.
        for (i, rule) in above.enumerated() {
            let ax = left + plotW - 8 - Double(i) * 16
            out += "<path class=\"above rule-\(rule.kind.rawValue)\" d=\"M\(SVG.n(ax)) \(SVG.n(top - 2))l6 10h-12z\"><title>\(SVG.escape(words.above("\(rule.name) \(format(rule.value))")))</title></path>"
        }
        // Lines, broken where a week has no value, with a dot and a tooltip per point.
        for s in series {
            var segments: [[(Double, Double)]] = [[]]
            for (i, v) in s.values.enumerated() {
                if let v {
                    segments[segments.count - 1].append((x(i), y(v)))
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            for seg in segments where seg.count > 1 {
                let points = seg.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ")
                out += "<polyline class=\"line \(s.color) \(s.style.rawValue)\" points=\"\(points)\"/>"
            }
            // Dots only where they can be told apart.
            if s.style == .solid && Double(categories.count) <= plotW / 12 {
                for (i, v) in s.values.enumerated() {
                    guard let v else { continue }
                    out += "<circle class=\"dot \(s.color)\" cx=\"\(SVG.n(x(i)))\" cy=\"\(SVG.n(y(v)))\" r=\"3\"><title>\(SVG.escape(s.name)) \(SVG.escape(categories[i])): \(SVG.escape(format(v)))</title></circle>"
                }
            }
        }
        return out + "</svg>"
    }
}
