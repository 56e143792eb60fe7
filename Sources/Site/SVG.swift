import Foundation

/// Escaping and small helpers shared by the chart writers. Charts are inline SVG styled by the site's
/// CSS classes, so light, dark and print styles apply to them too.
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

    /// Category labels under the plot, thinned so they never overlap (about 56 px each), always keeping the last.
    static func xLabels(_ categories: [String], width: Double, baseline: Double, x: (Int) -> Double) -> String {
        let count = max(categories.count, 1)
        let every = max(1, Int((Double(count) * 56 / width).rounded(.up)))
        var out = ""
        for (i, label) in categories.enumerated() where (count - 1 - i) % every == 0 {
            out += "<text class=\"axis\" x=\"\(n(x(i)))\" y=\"\(n(baseline))\" text-anchor=\"middle\">\(escape(label))</text>"
        }
        return out
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
}
