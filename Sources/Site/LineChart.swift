import Metrics

/// A weekly trend: one or more lines over weeks, with goal and threshold rules, as inline SVG.
///
/// The y axis fits the data. A rule (goal or alert threshold) more than twice the highest value is not
/// drawn across the plot — it would flatten every line to the bottom — but marked by an arrow at the top
/// edge and named in the legend as lying above the chart. Every line, rule, band and marker is in the legend.
///
/// A series may carry a light band of its 95 % interval per week, and the chart the program's usual range
/// (first to third quartile of the previous weeks) as a grey band behind everything: a point outside the grey
/// band is an unusual week, a wide coloured band a week with too few messages to say much. Bands are clipped
/// to the plot, so one tiny week does not squash the axis.
struct LineChart: Chart {
    enum LineStyle: String { case solid, dashed }
    enum RuleKind: String { case goal, warning, critical }

    struct Series {
        var name: String
        var values: [Double?]
        var style: LineStyle = .solid
        /// CSS class choosing the colour (`s1` … `s5`).
        var color: String
        /// Each week's 95 % interval, drawn as a band of the series' colour (empty: none).
        var band: [Interval?] = []
    }

    /// The usual range per week, drawn as a grey band.
    struct UsualBand {
        var name: String
        var values: [UsualRange?]
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
        /// The legend's name for a series' interval band, given the series' name.
        var interval: (String) -> String = { $0 }
    }

    var title: String
    var description: String
    var categories: [String]
    var series: [Series]
    var rules: [Rule] = []
    /// Vertical markers at category indices (win-back and re-activation sends on a program's trends).
    var markers: [(index: Int, label: String)] = []
    var usual: UsualBand?
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
        items += series.filter { $0.band.contains { $0 != nil } }.map { SVG.LegendItem(key: .band(cssClass: "band \($0.color)"), name: words.interval($0.name)) }
        if let usual, usual.values.contains(where: { $0 != nil }) { items.append(.init(key: .band(cssClass: "usual-band"), name: usual.name)) }
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
        out += SVG.xLabels(categories, width: plotW, drawing: w, baseline: h - 8, x: x)
        func clipped(_ v: Double) -> Double { y(min(max(v, 0), yMax)) }
        if let usual {
            out += Self.bands(usual.values.map { $0.map { Interval($0.lower, $0.upper) } }, cssClass: "usual-band", x: x, y: clipped)
        }
        for s in series where !s.band.isEmpty {
            out += Self.bands(s.band, cssClass: "band \(s.color)", x: x, y: clipped)
        }
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

    /// A band per run of weeks with values: along the high ends, back along the low ends. A lone week gets a
    /// short bar, so its range is seen too.
    static func bands(_ values: [Interval?], cssClass: String, x: (Int) -> Double, y: (Double) -> Double) -> String {
        var out = "", run: [(Int, Interval)] = []
        func flush() {
            defer { run = [] }
            guard let first = run.first else { return }
            if run.count == 1 {
                let (i, v) = first
                out += "<rect class=\"\(cssClass)\" x=\"\(SVG.n(x(i) - 4))\" y=\"\(SVG.n(y(v.high)))\" width=\"8\" height=\"\(SVG.n(max(0, y(v.low) - y(v.high))))\"/>"
                return
            }
            let upper = run.map { "\(SVG.n(x($0.0))),\(SVG.n(y($0.1.high)))" }
            let lower = run.reversed().map { "\(SVG.n(x($0.0))),\(SVG.n(y($0.1.low)))" }
            out += "<polygon class=\"\(cssClass)\" points=\"\((upper + lower).joined(separator: " "))\"/>"
        }
        for (i, v) in values.enumerated() {
            if let v { run.append((i, v)) } else { flush() }
        }
        flush()
        return out
    }
}
