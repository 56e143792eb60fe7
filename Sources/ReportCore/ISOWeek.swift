import Foundation

/// An ISO 8601 week (Monday–Sunday), written `2026-W47`.
public struct ISOWeek: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var year: Int
    public var week: Int

    public init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// Parses `2026-W47` (also `2026-w47`).
    public init?(_ text: String) {
        let parts = text.uppercased().split(separator: "-")
        guard parts.count == 2, parts[1].hasPrefix("W"), let y = Int(parts[0]), let w = Int(parts[1].dropFirst()),
              parts[0].count == 4, (1...53).contains(w) else { return nil }
        self.init(year: y, week: w)
    }

    public var description: String {
        "\(year)-W\(week < 10 ? "0" : "")\(week)"
    }

    public static func < (a: ISOWeek, b: ISOWeek) -> Bool {
        (a.year, a.week) < (b.year, b.week)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let w = ISOWeek(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO week: \(text)"))
        }
        self = w
    }
}

/// Week arithmetic in one time zone. A send belongs to the ISO week of its time in the project's zone.
public struct WeekCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var c = Calendar(identifier: .iso8601)
        c.timeZone = timeZone
        c.firstWeekday = 2
        c.minimumDaysInFirstWeek = 4
        self.calendar = c
    }

    public func week(of date: Date) -> ISOWeek {
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return ISOWeek(year: parts.yearForWeekOfYear!, week: parts.weekOfYear!)
    }

    /// Midnight of the week's Monday in the project's zone.
    public func start(of week: ISOWeek) -> Date {
        var parts = DateComponents()
        parts.yearForWeekOfYear = week.year
        parts.weekOfYear = week.week
        parts.weekday = 2
        parts.hour = 0
        return calendar.date(from: parts)!
    }

    /// The instant the week ends (the next Monday's midnight).
    public func end(of week: ISOWeek) -> Date {
        start(of: next(week))
    }

    public func next(_ week: ISOWeek) -> ISOWeek {
        self.week(of: calendar.date(byAdding: .day, value: 7, to: start(of: week))!.addingTimeInterval(3600 * 12))
    }

    public func previous(_ week: ISOWeek) -> ISOWeek {
        self.week(of: calendar.date(byAdding: .day, value: -7, to: start(of: week))!.addingTimeInterval(3600 * 12))
    }

    /// Every week from `first` to `last`, both included.
    public func weeks(from first: ISOWeek, through last: ISOWeek) -> [ISOWeek] {
        var out: [ISOWeek] = []
        var w = first
        while w <= last {
            out.append(w)
            w = next(w)
        }
        return out
    }

    /// Calendar components of an instant in the project's zone (for display).
    public func components(_ date: Date) -> DateComponents {
        calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
    }

    /// ISO 8601 with the zone's offset at that instant: `2026-11-16T09:00:00+01:00`.
    public func iso8601(_ date: Date) -> String {
        let c = components(date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let h = abs(offset) / 3600, m = abs(offset) % 3600 / 60
        return "\(pad(c.year!, 4))-\(pad(c.month!))-\(pad(c.day!))T\(pad(c.hour!)):\(pad(c.minute!)):\(pad(c.second!))\(sign)\(pad(h)):\(pad(m))"
    }

    /// Midnight of a local calendar date in the zone (date-only `sent_at`).
    public func date(year: Int, month: Int, day: Int) -> Date? {
        calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 0))
    }
}

/// Zero-padded decimal: `pad(7) == "07"`.
public func pad(_ n: Int, _ width: Int = 2) -> String {
    let digits = String(n)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
