import Foundation

/// A calendar date as the mailbox providers report it: Gmail Postmaster Tools gives `{year, month, day}` in
/// Pacific time, Microsoft SNDS an activity start such as `10/4/2026 12:00 AM`. Kept as the provider wrote
/// it, never converted between zones: a provider's day is the provider's day.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int, month: Int, day: Int

    /// A real date between the years inputs accept (`InputLimits.years`), else nil.
    public init?(year: Int, month: Int, day: Int) {
        guard InputLimits.years.contains(year), (1...12).contains(month), day >= 1,
              day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2026-10-04`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String { "\(pad(year, 4))-\(pad(month))-\(pad(day))" }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for "consecutive days" and weeks.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day after this one.
    public var next: CalendarDay {
        if day < Self.daysIn(month: month, year: year) { return CalendarDay(unchecked: year, month, day + 1) }
        return month < 12 ? CalendarDay(unchecked: year, month + 1, 1) : CalendarDay(unchecked: year + 1, 1, 1)
    }

    private init(unchecked y: Int, _ m: Int, _ d: Int) {
        year = y
        month = m
        day = d
    }

    /// The ISO week the day belongs to (Monday to Sunday), by the project's one ISO-week rule (`WeekCalendar`).
    public var isoWeek: ISOWeek { Self.calendar.week(of: Self.calendar.date(year: year, month: month, day: day)!) }
    private static let calendar = WeekCalendar(timeZone: TimeZone(identifier: "UTC")!)

    /// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 }

    /// The day with this `ordinal`.
    public static func fromOrdinal(_ n: Int) -> CalendarDay {
        // Howard Hinnant's civil_from_days.
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return CalendarDay(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Where a mailbox provider's figure comes from, as the `source` column of `data/mailbox-providers.csv` names it.
public enum MailboxDataSource: String, Sendable, Hashable, CaseIterable, Codable {
    case gmailPostmaster = "gmail-postmaster"
    case microsoftSNDS = "microsoft-snds"
}

/// One daily figure of Gmail Postmaster Tools for a sending domain. `metric` is the standard metric name with
/// its filter after a colon (`SPAM_RATE`, `AUTH_SUCCESS_RATE:dkim`, `DELIVERY_ERROR_RATE:rate_limit_exceeded`).
/// Rates are fractions (0.003 is 0.3 %); a few metrics are text (`DOMAIN_REPUTATION`: `HIGH` … `BAD`).
public struct PostmasterValue: Sendable, Hashable, Codable {
    public var domain: String
    public var day: CalendarDay
    public var metric: String
    public var value: Double?
    public var text: String?
    public var location: SourceLocation

    public init(domain: String, day: CalendarDay, metric: String, value: Double? = nil, text: String? = nil, location: SourceLocation) {
        self.domain = domain
        self.day = day
        self.metric = metric
        self.value = value
        self.text = text
        self.location = location
    }

    /// The standard metric without its filter: `AUTH_SUCCESS_RATE` of `AUTH_SUCCESS_RATE:dkim`.
    public var standardMetric: Substring { metric.split(separator: ":", maxSplits: 1).first ?? Substring(metric) }
}

/// One requirement of Gmail's sender guidelines as Postmaster Tools' compliance status reports it.
public struct ComplianceItem: Sendable, Hashable, Codable {
    public var domain: String
    /// `SPF`, `DKIM`, `DMARC_POLICY`, `DMARC_ALIGNMENT`, `MESSAGE_FORMATTING`, `DNS_RECORDS`, `ENCRYPTION`,
    /// `USER_REPORTED_SPAM_RATE`, `ONE_CLICK_UNSUBSCRIBE`, `HONOR_UNSUBSCRIBE` (or a newer name, kept as given).
    public var requirement: String
    /// `COMPLIANT`, `NEEDS_WORK`, … as given.
    public var status: String
    /// The verdict's reason where Google gives one (the unsubscribe verdicts).
    public var reason: String?
    public var location: SourceLocation

    public init(domain: String, requirement: String, status: String, reason: String? = nil, location: SourceLocation) {
        self.domain = domain
        self.requirement = requirement
        self.status = status
        self.reason = reason
        self.location = location
    }

    /// Only `COMPLIANT` is compliant; anything else (`NEEDS_WORK`, an unknown state) needs a look.
    public var isCompliant: Bool { status == "COMPLIANT" }
}

/// Microsoft SNDS' verdict on an IP's mail of one activity period.
public enum SNDSFilterResult: String, Sendable, Hashable, Comparable, Codable {
    /// Spam filter verdicts on at most 10 % of the IP's mail.
    case green = "GREEN"
    /// Between 10 % and 90 %.
    case yellow = "YELLOW"
    /// More than 90 %.
    case red = "RED"

    var rank: Int { self == .green ? 0 : self == .yellow ? 1 : 2 }
    public static func < (a: SNDSFilterResult, b: SNDSFilterResult) -> Bool { a.rank < b.rank }
}

/// SNDS' complaint rate as it writes it: `< 0.1%` (below its reporting floor) or a figure such as `0.3%`.
public struct SNDSComplaintRate: Sendable, Hashable, Codable {
    /// A fraction: 0.001 for `< 0.1%` and for `0.1%`.
    public var value: Double
    /// The rate is below `value` (`< 0.1%`), not equal to it.
    public var below: Bool

    public init(value: Double, below: Bool) {
        self.value = value
        self.below = below
    }
}

/// One row of an SNDS data export: one IP's traffic in one activity period.
public struct SNDSRow: Sendable, Hashable, Codable {
    public var ip: String
    /// The day the activity period starts on, as SNDS writes it.
    public var day: CalendarDay
    public var rcptCommands: Int
    public var dataCommands: Int
    public var messageRecipients: Int
    public var filter: SNDSFilterResult
    public var complaintRate: SNDSComplaintRate?
    public var trapHits: Int
    public var location: SourceLocation

    public init(ip: String, day: CalendarDay, rcptCommands: Int, dataCommands: Int, messageRecipients: Int,
                filter: SNDSFilterResult, complaintRate: SNDSComplaintRate?, trapHits: Int, location: SourceLocation) {
        self.ip = ip
        self.day = day
        self.rcptCommands = rcptCommands
        self.dataCommands = dataCommands
        self.messageRecipients = messageRecipients
        self.filter = filter
        self.complaintRate = complaintRate
        self.trapHits = trapHits
        self.location = location
    }
}

/// Everything the mailbox providers' own dashboards said, as read from `data/`.
public struct MailboxProviderData: Sendable, Hashable, Codable {
    public var postmaster: [PostmasterValue] = []
    public var compliance: [ComplianceItem] = []
    public var snds: [SNDSRow] = []

    public init(postmaster: [PostmasterValue] = [], compliance: [ComplianceItem] = [], snds: [SNDSRow] = []) {
        self.postmaster = postmaster
        self.compliance = compliance
        self.snds = snds
    }

    public var isEmpty: Bool { postmaster.isEmpty && compliance.isEmpty && snds.isEmpty }
}
