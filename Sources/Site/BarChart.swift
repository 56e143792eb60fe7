/// Weekly volume as vertical bars, as inline SVG. One series: the title names it, so there is no legend.
struct BarChart: Chart {
    var title: String
    var description: String
    var categories: [String]
    var values: [Double?]
    var wideWidth = ChartWidth.grid
    var format: (Double) -> String

    func draw(id: String, width w: Double, cssClass: String) -> String {
        let ticks = SVG.ticks(maximum: max(values.compactMap { $0 }.max() ?? 0, 1))
        let left = SVG.axisWidth(ticks, format: format), right = 12.0, top = 14.0, bottom = 28.0
        let plotH = 160.0, h = top + plotH + bottom
        let plotW = w - left - right
        let yMax = ticks.last ?? 1
        let n = max(values.count, 1)
        let slot = plotW / Double(n)
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }
        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "bar-chart \(cssClass)")
        out += SVG.yGrid(ticks, left: left, width: plotW, format: format, y: y)
        out += SVG.xLabels(categories, width: plotW, drawing: w, baseline: h - 8) { left + (Double($0) + 0.5) * slot }
        for (i, v) in values.enumerated() {
            let x = left + Double(i) * slot + slot * 0.15
            if let v, v > 0 {
                out += "<rect class=\"bar\" x=\"\(SVG.n(x))\" y=\"\(SVG.n(y(v)))\" width=\"\(SVG.n(slot * 0.7))\" height=\"\(SVG.n(top + plotH - y(v)))\"><title>\(SVG.escape(categories[i])): \(SVG.escape(format(v)))</title></rect>"
            }
        }
        return out + "</svg>"
    }
}

/// A small inline trend for tables: no axes, no text, the last value marked.
struct Sparkline {
    var label: String
    var values: [Double?]

    func svg() -> String {
        let w = 96.0, h = 24.0, pad = 3.0
        let known = values.compactMap { $0 }
        guard known.count >= 2, let lo = known.min(), let hi = known.max() else { return "" }
        let span = hi - lo > 0 ? hi - lo : max(hi, 1e-9)
        let n = values.count
        func x(_ i: Int) -> Double { pad + Double(i) * (w - 2 * pad) / Double(max(n - 1, 1)) }
        func y(_ v: Double) -> Double { h - pad - (v - lo) / span * (h - 2 * pad) }
        var segments: [[String]] = [[]]
        var last: (Double, Double)?
        for (i, v) in values.enumerated() {
            if let v {
                segments[segments.count - 1].append("\(SVG.n(x(i))),\(SVG.n(y(v)))")
                last = (x(i), y(v))
            } else if !segments[segments.count - 1].isEmpty {
                segments.append([])
            }
        }
        var out = "<svg class=\"sparkline\" viewBox=\"0 0 \(SVG.n(w)) \(SVG.n(h))\" role=\"img\" aria-label=\"\(SVG.escape(label))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for seg in segments where seg.count >= 2 {
            out += "<polyline points=\"\(seg.joined(separator: " "))\"/>"
        }
        if let last { out += "<circle cx=\"\(SVG.n(last.0))\" cy=\"\(SVG.n(last.1))\" r=\"2.5\"/>" }
        return out + "</svg>"
    }
}

/// A send's funnel (sent → delivered → human opens → clicks) as horizontal bars, each step's figure
/// beside its bar (never on it, so it reads on any colour).
struct Funnel: Chart {
    struct Step {
        var label: String
        var value: Int?
        var valueText: String
    }

    var title: String
    var description: String
    var steps: [Step]
    var wideWidth = ChartWidth.full

    func draw(id: String, width w: Double, cssClass: String) -> String {
        let labelW = min(180, (steps.map { SVG.textWidth($0.label) }.max() ?? 0) + 12)
        let valueW = (steps.map { SVG.textWidth($0.valueText) }.max() ?? 0) + 12
        let rowH = 34.0
        let h = rowH * Double(steps.count) + 8
        let top = Double(steps.first?.value ?? 0)
        var out = SVG.open(id: id, width: w, height: h, title: title, description: description, cssClass: "funnel \(cssClass)")
        let barMax = max(40, w - labelW - valueW)
        for (i, step) in steps.enumerated() {
            let y = 4 + Double(i) * rowH
            out += "<text class=\"legend\" x=\"0\" y=\"\(SVG.n(y + 21))\">\(SVG.escape(step.label))</text>"
            let bw = top > 0 ? Double(step.value ?? 0) / top * barMax : 0
            out += "<rect class=\"bar s\(i + 1)\" x=\"\(SVG.n(labelW))\" y=\"\(SVG.n(y + 4))\" width=\"\(SVG.n(max(bw, step.value == nil ? 0 : 1)))\" height=\"\(SVG.n(rowH - 10))\"/>"
            out += "<text class=\"legend\" x=\"\(SVG.n(labelW + bw + 8))\" y=\"\(SVG.n(y + 21))\">\(SVG.escape(step.valueText))</text>"
        }
        return out + "</svg>"
    }
}
