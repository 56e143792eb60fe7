import ReportCore

/// A program's usual range for a rate (`metrics.md`, *The usual range*): the median and the middle half
/// (first to third quartile) of the rate in the program's previous weeks with sends, so a week is read
/// against the program's own history rather than a fixed line.
public struct UsualRange: Sendable, Hashable, Codable {
    public var median: Double
    /// First and third quartile: half of the previous weeks lie between them.
    public var lower: Double
    public var upper: Double
    /// How many previous weeks it is drawn from (at most `UsualRange.weeks`).
    public var weeks: Int

    /// The range looks back over this many previous weeks with sends.
    public static let weeks = 12
    /// With fewer previous weeks there is no usual range: three values have no middle half worth a name.
    public static let minimumWeeks = 4

    /// The usual range of these values (oldest first; the most recent `weeks` are used), or nil under
    /// `minimumWeeks`. Quartiles interpolate linearly between the sorted values (Hyndman & Fan type 7, the
    /// default of R, NumPy and spreadsheets), so a consultant's spreadsheet gives the same figures.
    public init?(_ values: [Double]) {
        let recent = values.suffix(Self.weeks).sorted()
        guard recent.count >= Self.minimumWeeks else { return nil }
        func quantile(_ q: Double) -> Double {
            let h = Double(recent.count - 1) * q
            let i = Int(h.rounded(.down))
            return i + 1 < recent.count ? recent[i] + (h - Double(i)) * (recent[i + 1] - recent[i]) : recent[i]
        }
        median = quantile(0.5)
        lower = quantile(0.25)
        upper = quantile(0.75)
        weeks = recent.count
    }

    /// Where a value lies against the range.
    public enum Position: String, Sendable, Codable { case below, within, above }

    public func position(of value: Double) -> Position {
        value < lower ? .below : value > upper ? .above : .within
    }
}

/// A send's place among its program's most recent sends for a rate: 1 is the best.
public struct SendRank: Sendable, Hashable, Codable {
    public var rank: Int
    /// How many sends it is ranked among (this one and up to `SendRank.sends − 1` before it).
    public var of: Int

    public static let sends = 12
}

extension Report {
    /// The send's rank by `kpi` among itself and its program's previous regular sends (up to 12 in all),
    /// best first by the KPI's direction; ties share the better rank. Nil when the send has no such rate or
    /// is the program's first.
    public func rank(of send: Send, by kpi: KPI) -> SendRank? {
        guard let value = Totals.value(of: send, kpi) else { return nil }
        // By index, not by a filtered copy of the sends: each send's page asks this for every KPI, and copying
        // every send of a year for each question was a fifth of building a send's page.
        let earlier = sends.indices.filter {
            sends[$0].program == send.program && sends[$0].kind == .regular && (sends[$0].sentAt, sends[$0].id) < (send.sentAt, send.id)
        }
        let values = [value] + earlier.suffix(SendRank.sends - 1).compactMap { Totals.value(of: sends[$0], kpi) }
        guard values.count > 1 else { return nil }
        let better = values.filter { kpi.higherIsBetter ? $0 > value : $0 < value }.count
        return SendRank(rank: better + 1, of: values.count)
    }
}
