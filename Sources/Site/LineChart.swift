/// A weekly trend: one or more lines over weeks, with goal and threshold rules, as inline SVG.
struct LineChart {
    enum LineStyle: String { case solid, dashed }
    enum RuleKind: String { case goal, warning, critical }

    struct Series {
        var name: String
        var values: [Double?]
        var style: LineStyle = .solid
        /// CSS class choosing the colour (`s1` … `s4`).
        var color: String
    }

    struct Rule {
        var name: String
        var value: Double
        var kind: RuleKind
    }

    var title: String
    var description: String
    var categories: [String]
    var series: [Series]
    var rules: [Rule] = []
    /// Vertical markers at category indices (win-back and re-activation sends on a program's trends).
    var markers: [(index: Int, label: String)] = []
    var format: (Double) -> String

    static let width = 720.0, height = 260.0
    static let left = 64.0, right = 92.0, top = 34.0, bottom = 28.0

    func svg(id: String) -> String {
        let w = Self.width, h = Self.height
        let plotW = w - Self.left - Self.right, plotH = h - Self.top - Self.bottom
        let maxValue = (series.flatMap { $0.values.compactMap { $0 } } + rules.map(\.value)).max() ?? 0
        let ticks = SVG.ticks(maximum: maxValue > 0 ? maxValue * 1.08 : 0.01)
        let yMax = ticks.last ?? 1
        let n = max(categories.count, 1)
        func x(_ i: Int) -> Double { Self.left + (Double(i) + 0.5) * plotW / Double(n) }
        func y(_ v: Double) -> Double { Self.top + plotH - v / yMax * plotH }

        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "line-chart")
        out += SVG.yGrid(ticks, left: Self.left, width: plotW, format: format, y: y)
        out += SVG.xLabels(categories, width: plotW, baseline: h - 8, x: x)
        for m in markers where m.index < n {
            out += "<line class=\"marker\" x1=\"\(SVG.n(x(m.index)))\" x2=\"\(SVG.n(x(m.index)))\" y1=\"\(SVG.n(Self.top))\" y2=\"\(SVG.n(Self.top + plotH))\"><title>\(SVG.escape(m.label))</title></line>"
        }
        // Goal and threshold rules, labelled at the right edge.
        for rule in rules {
            let ry = y(rule.value)
            out += "<line class=\"rule rule-\(rule.kind.rawValue)\" x1=\"\(SVG.n(Self.left))\" x2=\"\(SVG.n(Self.left + plotW))\" y1=\"\(SVG.n(ry))\" y2=\"\(SVG.n(ry))\"/>"
            out += "<text class=\"rule-label rule-\(rule.kind.rawValue)\" x=\"\(SVG.n(Self.left + plotW + 4))\" y=\"\(SVG.n(ry + 4))\">\(SVG.escape(rule.name)) \(SVG.escape(format(rule.value)))</text>"
        }
        // Lines, broken where a week has no value, with a marker and a tooltip per point.
        for s in series {
            var segments: [[(Double, Double)]] = [[]]
            for (i, v) in s.values.enumerated() {
                if let v {
                    segments[segments.count - 1].append((x(i), y(v)))
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            for seg in segments where !seg.isEmpty {
                if seg.count == 1 { continue }
                let points = seg.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ")
                out += "<polyline class=\"line \(s.color) \(s.style.rawValue)\" points=\"\(points)\"/>"
            }
            if s.style == .solid && categories.count <= 30 {  // markers only where they can be told apart
                for (i, v) in s.values.enumerated() {
                    guard let v else { continue }
                    out += "<circle class=\"dot \(s.color)\" cx=\"\(SVG.n(x(i)))\" cy=\"\(SVG.n(y(v)))\" r=\"3\"><title>\(SVG.escape(s.name)) \(SVG.escape(categories[i])): \(SVG.escape(format(v)))</title></circle>"
                }
            }
        }
        // Legend across the top.
        var lx = Self.left
        for s in series {
            out += "<line class=\"line \(s.color) \(s.style.rawValue)\" x1=\"\(SVG.n(lx))\" x2=\"\(SVG.n(lx + 18))\" y1=\"12\" y2=\"12\"/>"
            out += "<text class=\"legend\" x=\"\(SVG.n(lx + 24))\" y=\"16\">\(SVG.escape(s.name))</text>"
            lx += 24 + Double(s.name.count) * 7 + 18
        }
        out += "</svg>"
        return out
    }
}
