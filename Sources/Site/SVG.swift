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

import Foundation
