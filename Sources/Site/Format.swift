import Foundation
import Metrics
import ReportCore

/// Numbers and dates as a reader of the report's language writes them. English: `12.3%`, `12,345`,
/// `16 Nov 2026`. Separators, the percent sign's spacing and month names come from the label catalogue
/// (`format.*`, `date.months`), so a language is a catalogue, not code.
public struct Format: Sendable {
    public let labels: Labels
    public let calendar: WeekCalendar
    private let decimal: String
    private let thousands: String
    private let percentSuffix: String
    private let months: [String]
    private let dash = "—"

    public init(labels: Labels, timeZone: TimeZone) throws {
        self.labels = labels
        self.calendar = WeekCalendar(timeZone: timeZone)
        decimal = try labels.text("format.decimal")
        thousands = try labels.text("format.thousands")
        percentSuffix = try labels.text("format.percent")
        months = try labels.text("date.months").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard months.count == 12 else { throw SiteError.template("label date.months needs 12 comma-separated month names") }
    }

    /// A fraction as a percentage: one decimal, two below 1 % (complaint rates live there). Nil is "—".
    public func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return dash }
        let p = value * 100
        return number(p, decimals: abs(p) < 1 && p != 0 ? 2 : 1) + percentSuffix
    }

    /// Two percentages that must not look equal when they are not (an alert's value and its threshold):
    /// one more decimal where the usual precision would print them the same.
    public func percentPair(_ a: Double?, _ b: Double?) -> (String, String) {
        let (x, y) = (percent(a), percent(b))
        guard x == y, let a, let b, a != b else { return (x, y) }
        let digits = abs(a * 100) < 1 ? 3 : 2
        return (number(a * 100, decimals: digits) + percentSuffix, number(b * 100, decimals: digits) + percentSuffix)
    }

    /// A 95 % interval of a rate: `17.6–22.6%`, `0.05–0.29%`, `0.30–1.10%` (two decimals when its low end is under 1 %).
    public func percentRange(_ interval: Interval?) -> String? {
        guard let interval, interval.low.isFinite, interval.high.isFinite else { return nil }
        let decimals = interval.low * 100 < 1 && interval.high > 0 ? 2 : 1
        return number(interval.low * 100, decimals: decimals) + "–" + number(interval.high * 100, decimals: decimals) + percentSuffix
    }

    /// A 95 % interval of a change in points: `−0.40 to +1.20 pp`.
    public func pointsRange(_ interval: Interval) -> String {
        let decimals = max(abs(interval.low), abs(interval.high)) * 100 < 1 ? 2 : 1
        func signed(_ x: Double) -> String {
            let shown = number(x * 100, decimals: decimals)
            return x > 0 && shown != number(0, decimals: decimals) ? "+" + shown : shown
        }
        return ((try? labels.format("format.range", ["low": signed(interval.low), "high": signed(interval.high)])) ?? "\(signed(interval.low)) – \(signed(interval.high))")
            + "\u{00A0}" + ((try? labels.text("format.points")) ?? "pp")
    }

    /// A change in percentage points with its sign: `+1.2 pp`, `−0.40 pp`.
    public func points(_ delta: Double?) -> String {
        guard let delta, delta.isFinite else { return dash }
        let (rounded, decimals) = shownPoints(delta)
        let sign = rounded == 0 ? "±" : (delta > 0 ? "+" : "−")
        return sign + number(rounded, decimals: decimals) + "\u{00A0}" + ((try? labels.text("format.points")) ?? "pp")
    }

    /// Whether a change is shown as `±0.00 pp`: then it is no change to the reader, and gets no colour.
    public func showsNoChange(_ delta: Double) -> Bool { shownPoints(delta).value == 0 }

    /// The size of a change in points as printed, and its decimals.
    private func shownPoints(_ delta: Double) -> (value: Double, decimals: Int) {
        let p = abs(delta * 100)
        let decimals = p < 1 ? 2 : 1
        return ((p * pow(10, Double(decimals))).rounded() / pow(10, Double(decimals)), decimals)
    }

    public func count(_ n: Int?) -> String {
        guard let n else { return dash }
        return grouped(String(abs(n)), negative: n < 0)
    }

    public func number(_ value: Double, decimals: Int) -> String {
        let factor = pow(10, Double(decimals))
        let scaled = (abs(value) * factor).rounded()
        let whole = Int(scaled / factor)
        let frac = Int(scaled) - whole * Int(factor)
        var out = grouped(String(whole), negative: value < 0 && scaled != 0)
        if decimals > 0 {
            let f = String(frac)
            out += decimal + String(repeating: "0", count: decimals - f.count) + f
        }
        return out
    }

    private func grouped(_ digits: String, negative: Bool) -> String {
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += thousands }
            out.append(ch)
        }
        return (negative ? "−" : "") + out
    }

    /// `16 Nov 2026` (the catalogue's `date.day_month_year` pattern).
    public func date(_ date: Date) -> String {
        let c = calendar.components(date)
        return (try? labels.format("date.day_month_year", ["day": String(c.day!), "month": months[c.month! - 1], "year": String(c.year!)]))
            ?? "\(c.day!) \(months[c.month! - 1]) \(c.year!)"
    }

    /// A mailbox provider's day: `7 Oct 2026`.
    public func day(_ d: CalendarDay) -> String {
        (try? labels.format("date.day_month_year", ["day": String(d.day), "month": months[d.month - 1], "year": String(d.year)]))
            ?? "\(d.day) \(months[d.month - 1]) \(d.year)"
    }

    /// `7 Oct` for chart axes.
    public func dayShort(_ d: CalendarDay) -> String { "\(d.day) \(months[d.month - 1])" }

    /// `16 Nov 2026, 09:00`.
    public func dateTime(_ date: Date) -> String {
        let c = calendar.components(date)
        return self.date(date) + ", " + pad(c.hour!) + ":" + pad(c.minute!)
    }

    /// `Week 47, 2026`.
    public func weekTitle(_ week: ISOWeek) -> String {
        (try? labels.format("date.week_title", ["week": String(week.week), "year": String(week.year)])) ?? week.description
    }

    /// `Week 47, 2026` at the start of a heading or a table row (`Vecka 47, 2026` in Swedish).
    public func weekHeading(_ week: ISOWeek) -> String {
        (try? labels.format("date.week_heading", ["week": String(week.week), "year": String(week.year)])) ?? week.description
    }

    /// `W47` for chart axes.
    public func weekShort(_ week: ISOWeek) -> String {
        "W" + pad(week.week)
    }

    /// `16–22 Nov 2026`.
    public func weekRange(_ week: ISOWeek) -> String {
        let start = calendar.start(of: week)
        let end = calendar.end(of: week).addingTimeInterval(-1)
        return date(start) + " – " + date(end)
    }
}
