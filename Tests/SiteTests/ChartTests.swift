import Foundation
@testable import Site
import Testing

/// The charts' own rules: both drawings, axes that fit the data, everything drawn named in the legend.
@Suite struct ChartTests {
    func complaints(rules: [LineChart.Rule], markers: [(index: Int, label: String)] = []) -> LineChart {
        LineChart(
            title: "Complaint rate", description: "weekly", categories: ["W1", "W2", "W3", "W4"],
            series: [.init(name: "Complaint rate", values: [0.0002, 0.0004, nil, 0.0003], color: "s5")],
            rules: rules, markers: markers,
            words: .init(marker: "win-back send", above: { "\($0), above the chart" }),
            format: { String(format: "%.2f%%", $0 * 100) })
    }

    /// The numbers on the y axis, in order.
    func axis(_ svg: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"<text class="axis" x="[0-9.]+" y="[0-9.]+" text-anchor="end">([^<]*)</text>"#)
        return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { String(svg[Range($0.range(at: 1), in: svg)!]) }
    }

    @Test func axisLabelsStayInsideTheDrawingAndNeverTouch() throws {
        // Daily labels (the mailbox page's spam rate): the last one, centred on its point, would run past the edge.
        let days = (1...90).map { "\($0 % 30 + 1) Nov" }
        let svg = LineChart(title: "t", description: "d", categories: days,
                            series: [.init(name: "s", values: days.map { _ in 0.001 }, color: "s5")], format: { "\($0)" })
            .draw(id: "c", width: 360, cssClass: "")
        let labels = try Regex(#"<text class="axis" x="([0-9.]+)" y="([0-9.]+)" text-anchor="(\w+)">([^<]*)</text>"#)
        var found: [(y: Double, span: (Double, Double))] = []
        for m in svg.matches(of: labels) {
            let x = Double(m.output[1].substring!)!, anchor = String(m.output[3].substring!), w = SVG.textWidth(String(m.output[4].substring!))
            found.append((Double(m.output[2].substring!)!, anchor == "end" ? (x - w, x) : anchor == "start" ? (x, x + w) : (x - w / 2, x + w / 2)))
        }
        // The category labels are the lowest row (the value axis' labels sit beside the plot).
        let baseline = found.map(\.y).max() ?? 0
        let spans = found.filter { $0.y == baseline }.map(\.span)
        #expect(spans.count > 2)
        #expect(spans.last!.1 <= 360)
        #expect(spans.first!.0 >= 0)
        for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.1 + 6 <= b.0) }
    }

    @Test func everyChartIsDrawnWideAndNarrowWithTheirOwnIDs() {
        let svg = complaints(rules: []).svg(id: "chart-c")
        #expect(svg.components(separatedBy: "<svg ").count == 3)
        #expect(svg.contains("class=\"chart line-chart size-wide\" viewBox=\"0 0 540 "))
        #expect(svg.contains("class=\"chart line-chart size-narrow\" viewBox=\"0 0 340 "))
        #expect(svg.contains("id=\"chart-c-t\"") && svg.contains("id=\"chart-c-narrow-t\""))
    }

    @Test func aThresholdFarAboveTheDataIsNotedAboveTheChartInsteadOfFlatteningIt() {
        // Data peaks at 0.04 %; the warning line at 0.10 % is 2.5× that, the critical at 0.30 % 7.5×.
        let chart = complaints(rules: [.init(name: "warning", value: 0.001, kind: .warning), .init(name: "critical", value: 0.003, kind: .critical)])
        let (inside, above) = chart.splitRules()
        #expect(inside.isEmpty)
        #expect(above.map(\.name) == ["warning", "critical"])
        let svg = chart.draw(id: "c", width: 540, cssClass: "size-wide")
        #expect(!svg.contains("<line class=\"rule rule-critical\" x1=\"4"))  // no rule across the plot
        #expect(svg.contains("critical 0.30%, above the chart"))
        #expect(svg.contains("<path class=\"above rule-warning\""))
        // The axis ends just above the data: 0.04 % × 1.08 in steps of 0.02 % → 0.06 %, not at 0.30 %.
        #expect(axis(svg).last == "0.06%")
    }

    @Test func aThresholdNearTheDataIsDrawnAcrossAndNamedInTheLegend() {
        let chart = complaints(rules: [.init(name: "warning", value: 0.0006, kind: .warning)])
        #expect(chart.splitRules().inside.count == 1)
        let svg = chart.draw(id: "c", width: 540, cssClass: "size-wide")
        #expect(svg.components(separatedBy: "class=\"rule rule-warning\"").count == 3)  // legend key + the rule
        #expect(svg.contains(">warning 0.06%</text>"))
        #expect(axis(svg).last == "0.08%")  // 0.06 % × 1.08 in steps of 0.02 %
    }

    @Test func markersAreInTheLegendOnlyWhenDrawn() {
        let with = complaints(rules: [], markers: [(index: 2, label: "Win-back: We miss you")]).draw(id: "c", width: 340, cssClass: "size-narrow")
        #expect(with.contains(">win-back send</text>"))
        #expect(with.contains("<title>Win-back: We miss you</title>"))
        let outside = complaints(rules: [], markers: [(index: 9, label: "later")]).draw(id: "c", width: 340, cssClass: "size-narrow")
        #expect(!outside.contains("win-back send"))
    }

    @Test func theLegendWrapsToTheNarrowWidth() {
        // Each item: a 26-unit key, 24 characters of 7.4, 16 of space = 219.6 units.
        let items = (1...4).map { SVG.LegendItem(key: .line(color: "s1", dashed: false), name: "Human open rate · week \($0)") }
        #expect(SVG.legend(items, left: 0, width: 540, top: 0).height == 36)  // two rows of two
        #expect(SVG.legend(items, left: 0, width: 340, top: 0).height == 72)  // one per row
    }

    @Test func sharesOnSegmentsTakeTheirInkFromTheSegmentsClass() {
        let chart = StackedBarChart(
            title: "Outcomes", description: "", categories: ["W47 · Win-back"],
            segments: [.init(name: "re-engaged", cssClass: "o-re_engaged", values: [30]), .init(name: "no response", cssClass: "o-no_response", values: [70])],
            orientation: .horizontal, format: { String(format: "%.0f%%", $0 * 100) })
        let svg = chart.draw(id: "o", width: 860, cssClass: "size-wide")
        #expect(svg.contains("<text class=\"seg-label o-no_response\""))
        #expect(svg.contains(">70%</text>"))
        let css = TemplateSet.defaults["assets/style.css"] ?? ""
        #expect(css.contains(".chart text.seg-label.o-no_response"))
    }
}
