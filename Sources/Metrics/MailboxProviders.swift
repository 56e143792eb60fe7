import ReportCore

/// Google's own lines for the Gmail spam rate (Postmaster Tools' user-reported spam rate), from "Email sender
/// guidelines" and its FAQ (support.google.com/a/answer/81126, /14229414): keep it below 0.1 % and never let it
/// reach 0.3 %; a sender above 0.3 % is eligible for mitigation (Google's help with delivery) only after its rate
/// has stayed below 0.3 % for 7 consecutive days. These are Google's rules, not the project's thresholds.
public enum GmailRules {
    public static let spamRateWarning = 0.001
    public static let spamRateCritical = 0.003
    public static let mitigationDays = 7

    /// Critical at or above 0.3 %, a warning at or above 0.1 %, else nothing.
    public static func level(_ rate: Double) -> Alert.Severity? {
        AlertRules.atLeast(rate, spamRateCritical) ? .critical : AlertRules.atLeast(rate, spamRateWarning) ? .warning : nil
    }
}

/// Where a domain stands with Google's 7-day rule on the newest day Postmaster Tools has data for.
public struct Mitigation: Sendable, Hashable, Codable {
    /// The newest day at or above 0.3 %, if any in the data.
    public var lastDayAtOrAbove: CalendarDay?
    /// Consecutive days below 0.3 % since then, up to the newest day (a day without data breaks the run).
    public var daysBelowSince: Int
    /// The day the 7th of those fell on: from then the domain is eligible again.
    public var eligibleSince: CalendarDay?
    /// The newest day with a spam rate.
    public var asOf: CalendarDay

    /// Eligible: no day at or above 0.3 % in the data, or 7 consecutive days below it since the last one.
    public var isEligible: Bool { lastDayAtOrAbove == nil || eligibleSince != nil }

    /// The rule applied to a domain's daily spam rates, sorted by day.
    public static func judge(_ days: [(day: CalendarDay, rate: Double)]) -> Mitigation? {
        guard let newest = days.last?.day else { return nil }
        guard let lastIndex = days.lastIndex(where: { AlertRules.atLeast($0.rate, GmailRules.spamRateCritical) }) else {
            return Mitigation(lastDayAtOrAbove: nil, daysBelowSince: days.count, eligibleSince: nil, asOf: newest)
        }
        var run = 0, eligible: CalendarDay?
        var expected = days[lastIndex].day.next
        for d in days[(lastIndex + 1)...] {
            if d.day != expected { break }  // a gap: a day without data is not a day below
            run += 1
            if run == GmailRules.mitigationDays { eligible = d.day }
            expected = d.day.next
        }
        return Mitigation(lastDayAtOrAbove: days[lastIndex].day, daysBelowSince: run, eligibleSince: eligible, asOf: newest)
    }
}

/// One ISO week of a domain's Postmaster figures.
public struct GmailWeek: Sendable, Hashable, Codable {
    public var week: ISOWeek
    /// Days of the week with a spam rate.
    public var daysWithData: Int
    /// The week's highest daily spam rate and its day.
    public var worstSpamRate: Double?
    public var worstDay: CalendarDay?
    public var daysAtOrAboveWarning: Int
    public var daysAtOrAboveCritical: Int
    /// Mean of the week's daily values per metric (`AUTH_SUCCESS_RATE:dkim` …): Postmaster gives rates without
    /// volumes, so the days weigh alike.
    public var means: [String: Double]
}

/// A sending domain as Gmail sees it.
public struct GmailDomain: Sendable, Hashable {
    public var domain: String
    /// Daily spam rates, oldest first.
    public var spamRates: [(day: CalendarDay, rate: Double)]
    public var weeks: [GmailWeek]
    public var mitigation: Mitigation?
    /// Metric names the domain has (beyond `SPAM_RATE`), sorted.
    public var metrics: [String]
    /// `DOMAIN_REPUTATION` by day (v1 archives: `HIGH`, `MEDIUM`, `LOW`, `BAD`).
    public var reputation: [(day: CalendarDay, text: String)]
    public var compliance: [ComplianceItem]

    public func week(_ w: ISOWeek) -> GmailWeek? { weeks.first { $0.week == w } }

    /// Google's 7-day rule on the days up to the end of week `w` (what a week's page says).
    public func mitigation(through w: ISOWeek) -> Mitigation? { Mitigation.judge(spamRates.filter { $0.day.isoWeek <= w }) }

    public static func == (a: GmailDomain, b: GmailDomain) -> Bool {
        a.domain == b.domain && a.weeks == b.weeks && a.spamRates.map(\.rate) == b.spamRates.map(\.rate)
    }
    public func hash(into h: inout Hasher) { h.combine(domain) }
}

/// Stored in the build cache with its day-value pairs as two lists each (a tuple is not `Codable`).
extension GmailDomain: Codable {
    enum CodingKeys: String, CodingKey {
        case domain, spamRateDays, spamRates, weeks, mitigation, metrics, reputationDays, reputation, compliance
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func pairs<T: Decodable>(_ days: CodingKeys, _ values: CodingKeys, _: T.Type) throws -> [(CalendarDay, T)] {
            let d = try c.decode([CalendarDay].self, forKey: days), v = try c.decode([T].self, forKey: values)
            guard d.count == v.count else { throw DecodingError.dataCorruptedError(forKey: values, in: c, debugDescription: "days and values differ in number") }
            return Array(zip(d, v))
        }
        self.init(
            domain: try c.decode(String.self, forKey: .domain),
            spamRates: try pairs(.spamRateDays, .spamRates, Double.self).map { (day: $0.0, rate: $0.1) },
            weeks: try c.decode([GmailWeek].self, forKey: .weeks), mitigation: try c.decodeIfPresent(Mitigation.self, forKey: .mitigation),
            metrics: try c.decode([String].self, forKey: .metrics),
            reputation: try pairs(.reputationDays, .reputation, String.self).map { (day: $0.0, text: $0.1) },
            compliance: try c.decode([ComplianceItem].self, forKey: .compliance))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(domain, forKey: .domain)
        try c.encode(spamRates.map(\.day), forKey: .spamRateDays)
        try c.encode(spamRates.map(\.rate), forKey: .spamRates)
        try c.encode(weeks, forKey: .weeks)
        try c.encodeIfPresent(mitigation, forKey: .mitigation)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(reputation.map(\.day), forKey: .reputationDays)
        try c.encode(reputation.map(\.text), forKey: .reputation)
        try c.encode(compliance, forKey: .compliance)
    }
}

/// One IP's SNDS days in one ISO week.
public struct SNDSWeek: Sendable, Hashable, Codable {
    public var week: ISOWeek
    public var days: [SNDSRow]
    public var messageRecipients: Int { days.reduce(0) { $0 + $1.messageRecipients } }
    public var trapHits: Int { days.reduce(0) { $0 + $1.trapHits } }
    public func days(_ f: SNDSFilterResult) -> Int { days.filter { $0.filter == f }.count }
    public var worst: SNDSFilterResult? { days.map(\.filter).max() }
}

/// One sending IP as Microsoft sees it.
public struct SNDSAddress: Sendable, Hashable, Codable {
    public var ip: String
    public var days: [SNDSRow]
    public var weeks: [SNDSWeek]
    public func week(_ w: ISOWeek) -> SNDSWeek? { weeks.first { $0.week == w } }
}

/// What the mailbox providers' dashboards say, per domain, IP, day and week (`metrics.md`, *What the mailbox
/// providers see*).
public struct MailboxProviderReport: Sendable, Codable {
    public var data: MailboxProviderData
    public var gmail: [GmailDomain]
    public var snds: [SNDSAddress]
    /// The first and last day of any provider figure.
    public var firstDay: CalendarDay?
    public var lastDay: CalendarDay?

    public var isEmpty: Bool { data.isEmpty }

    public static func compute(_ data: MailboxProviderData) -> MailboxProviderReport {
        var gmail: [GmailDomain] = []
        let byDomain = Dictionary(grouping: data.postmaster, by: \.domain)
        let complianceByDomain = Dictionary(grouping: data.compliance, by: \.domain)
        for domain in Set(byDomain.keys).union(complianceByDomain.keys).sorted() {
            let values = byDomain[domain] ?? []
            let spam = values.filter { $0.metric == "SPAM_RATE" }.compactMap { v in v.value.map { (day: v.day, rate: $0) } }.sorted { $0.day < $1.day }
            var weeks: [GmailWeek] = []
            for (week, list) in Dictionary(grouping: values.filter { $0.value != nil }, by: { $0.day.isoWeek }).sorted(by: { $0.key < $1.key }) {
                let rates = list.filter { $0.metric == "SPAM_RATE" }
                let worst = rates.max { ($0.value!, $1.day) < ($1.value!, $0.day) }
                var means: [String: Double] = [:]
                for (metric, vs) in Dictionary(grouping: list.filter { $0.metric != "SPAM_RATE" }, by: \.metric) {
                    means[metric] = vs.reduce(0) { $0 + $1.value! } / Double(vs.count)
                }
                weeks.append(GmailWeek(
                    week: week, daysWithData: rates.count, worstSpamRate: worst?.value, worstDay: worst?.day,
                    daysAtOrAboveWarning: rates.filter { AlertRules.atLeast($0.value!, GmailRules.spamRateWarning) }.count,
                    daysAtOrAboveCritical: rates.filter { AlertRules.atLeast($0.value!, GmailRules.spamRateCritical) }.count,
                    means: means))
            }
            gmail.append(GmailDomain(
                domain: domain, spamRates: spam, weeks: weeks, mitigation: Mitigation.judge(spam),
                metrics: Set(values.filter { $0.value != nil && $0.metric != "SPAM_RATE" }.map(\.metric)).sorted(),
                reputation: values.filter { $0.metric == "DOMAIN_REPUTATION" }.compactMap { v in v.text.map { (day: v.day, text: $0) } }
                    .sorted { $0.day < $1.day },
                compliance: complianceByDomain[domain] ?? []))
        }
        var snds: [SNDSAddress] = []
        for (ip, rows) in Dictionary(grouping: data.snds, by: \.ip).sorted(by: { $0.key < $1.key }) {
            let days = rows.sorted { $0.day < $1.day }
            let weeks = Dictionary(grouping: days, by: { $0.day.isoWeek }).sorted { $0.key < $1.key }.map { SNDSWeek(week: $0.key, days: $0.value) }
            snds.append(SNDSAddress(ip: ip, days: days, weeks: weeks))
        }
        let allDays = data.postmaster.map(\.day) + data.snds.map(\.day)
        return MailboxProviderReport(data: data, gmail: gmail, snds: snds, firstDay: allDays.min(), lastDay: allDays.max())
    }

    /// Alerts with their figures: Gmail's spam rate against Google's lines on any day of a week, the divergence
    /// from the sender's own complaint rate of that week, compliance items that need work, SNDS red and yellow
    /// days and trap hits.
    public func alerts(senderComplaintRate: (ISOWeek) -> Double?) -> [Alert] {
        var out: [Alert] = []
        for d in gmail {
            for w in d.weeks {
                guard let worst = w.worstSpamRate else { continue }
                let critical = AlertRules.atLeast(worst, GmailRules.spamRateCritical)
                guard critical || AlertRules.atLeast(worst, GmailRules.spamRateWarning) else { continue }
                let threshold = critical ? GmailRules.spamRateCritical : GmailRules.spamRateWarning
                var a = Alert(severity: critical ? .critical : .warning, kind: .gmailSpamRate, program: "", week: w.week,
                              value: worst, threshold: threshold, count: critical ? w.daysAtOrAboveCritical : w.daysAtOrAboveWarning)
                a.subject = d.domain
                a.day = w.worstDay
                // Divergence: Gmail's users report spam at or above a line the sender's own feedback-loop
                // complaints of the week stay below. It says everything the spam-rate alert says, and more.
                if let own = senderComplaintRate(w.week), own < GmailRules.spamRateWarning {
                    a.kind = .gmailDivergence
                    a.baseline = own
                }
                out.append(a)
            }
            for item in d.compliance where !item.isCompliant {
                var a = Alert(severity: .warning, kind: .complianceItem, program: "")
                a.subject = d.domain
                a.detail = item.requirement
                out.append(a)
            }
        }
        for ip in snds {
            for w in ip.weeks {
                if let worst = w.worst, worst != .green {
                    var a = Alert(severity: worst == .red ? .critical : .warning, kind: .sndsFilter, program: "", week: w.week,
                                  count: w.days(worst))
                    a.subject = ip.ip
                    a.detail = worst.rawValue
                    a.day = w.days.first { $0.filter == worst }?.day
                    out.append(a)
                }
                if w.trapHits > 0 {
                    var a = Alert(severity: .warning, kind: .spamTrapHits, program: "", week: w.week, count: w.trapHits)
                    a.subject = ip.ip
                    a.day = w.days.first { $0.trapHits > 0 }?.day
                    out.append(a)
                }
            }
        }
        return out
    }
}
