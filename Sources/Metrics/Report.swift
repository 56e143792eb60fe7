import EventFold
import Foundation
import ReportCore

/// One program-week: the sends of one program in one ISO week, with its trend values.
public struct ProgramWeek: Sendable, Codable {
    public var program: String
    public var week: ISOWeek
    public var sendIDs: [String]
    public var totals: Totals
    /// Summed counts over this week and the 3 before it (calendar weeks).
    public var rolling: Totals
    /// Summed counts over the 4 calendar weeks before this one (the alert baseline).
    public var baseline: Totals
    /// Change against the previous week, as a difference of fractions (×100 = percentage points) with its
    /// 95 % interval: a change only when the interval excludes zero (`Estimate.interval.excludesZero`).
    public var change: [KPI: Estimate]
    /// The program's usual range of each rate over its previous weeks with sends (nil with too few).
    public var usual: [KPI: UsualRange]
    public var provisional: Bool
    public var hasSends: Bool { !sendIDs.isEmpty }
}

/// One program over the whole range: its weekly series and sends.
public struct ProgramReport: Sendable, Codable {
    public var slug: String
    public var name: String
    public var goals: [KPI: Double]
    /// Every calendar week from the program's first send to the report's last week; weeks without sends
    /// have no sends and no rates, so charts show the gap.
    public var series: [ProgramWeek]
    public var sendIDs: [String]
    public var totals: Totals
    public var fromAddresses: [String]

    public func week(_ w: ISOWeek) -> ProgramWeek? { series.first { $0.week == w } }
}

/// One ISO week across all programs.
public struct WeekReport: Sendable, Codable {
    public var week: ISOWeek
    public var provisional: Bool
    public var sendIDs: [String]
    public var totals: Totals
    /// Program slugs with sends that week, in program order.
    public var programs: [String]
}

/// Everything computed from a project's records; the site is drawn from this alone.
public struct Report: Sendable {
    public var config: ReportConfig
    /// Sorted by time sent, then id.
    public var sends: [Send]
    public var programs: [ProgramReport]
    /// Weeks with at least one send, oldest first.
    public var weeks: [WeekReport]
    public var alerts: [Alert]
    /// The newest event or send in the inputs: how fresh the data is.
    public var newestData: Date
    public var warnings: [Diagnostic]
    public var eventCount: Int
    /// Tiers, frequency, providers and per-send details: only where recipient events exist.
    public var insights: RecipientInsights?
    /// Outcomes of win-back and re-activation sends that have recipient events, by campaign id.
    public var reactivation: [String: ReactivationResult] = [:]
    /// The regular sends of the program before and after each win-back or re-activation send.
    public var beforeAfter: [String: BeforeAfter] = [:]
    /// The experiments of `report.yml`, in its order.
    public var experiments: [ExperimentResult] = []
    /// What Gmail Postmaster Tools and Microsoft SNDS said, when `data/` has their files.
    public var mailboxProviders = MailboxProviderReport.compute(MailboxProviderData())

    public func experiment(_ slug: String) -> ExperimentResult? { experiments.first { $0.slug == slug } }

    /// Every win-back and re-activation send, oldest first.
    public var reactivationSends: [Send] { sends.filter { $0.kind != .regular } }

    private var sendIndex: [String: Int]

    init(config: ReportConfig, sends: [Send], programs: [ProgramReport], weeks: [WeekReport], alerts: [Alert],
         newestData: Date, warnings: [Diagnostic], eventCount: Int, insights: RecipientInsights? = nil) {
        self.config = config
        self.sends = sends
        self.programs = programs
        self.weeks = weeks
        self.alerts = alerts
        self.newestData = newestData
        self.warnings = warnings
        self.eventCount = eventCount
        self.insights = insights
        self.sendIndex = Dictionary(uniqueKeysWithValues: sends.enumerated().map { ($1.id, $0) })
    }

    public func send(_ id: String) -> Send? { sendIndex[id].map { sends[$0] } }
    public func program(_ slug: String) -> ProgramReport? { programs.first { $0.slug == slug } }
    public var latestWeek: WeekReport? { weeks.last }

    /// Oldest week first; within a week the most severe first, then by program order.
    mutating func sortAlerts() {
        let rank = Dictionary(uniqueKeysWithValues: programs.enumerated().map { ($1.slug, $0) })
        alerts.sort {
            ($0.week ?? ISOWeek(year: 0, week: 0), $1.severity.rawValue, rank[$0.program] ?? -1, $0.campaign ?? "", $0.kind.rawValue + "\u{0}" + ($0.kpi?.rawValue ?? ""), ($0.subject ?? "") + "\u{0}" + ($0.detail ?? ""))
                < ($1.week ?? ISOWeek(year: 0, week: 0), $0.severity.rawValue, rank[$1.program] ?? -1, $1.campaign ?? "", $1.kind.rawValue + "\u{0}" + ($1.kpi?.rawValue ?? ""), ($1.subject ?? "") + "\u{0}" + ($1.detail ?? ""))
        }
    }

    public func alerts(in week: ISOWeek) -> [Alert] {
        alerts.filter { $0.week == week }
    }
}

/// A report is stored in the build cache (`BuildCache`) without its settings: report.yml is read anew on every
/// build and is part of the cache's key, so the decoder is handed the settings (`Report.configKey`) instead.
extension Report: Codable {
    /// The decoder's `userInfo` key for the `ReportConfig` the report was computed with.
    public static let configKey = CodingUserInfoKey(rawValue: "inbox-report.report-config")!

    enum CodingKeys: String, CodingKey {
        case sends, programs, weeks, alerts, newestData, warnings, eventCount, insights, reactivation, beforeAfter,
             experiments, mailboxProviders
    }

    public init(from decoder: Decoder) throws {
        guard let config = decoder.userInfo[Self.configKey] as? ReportConfig else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a report is decoded with its settings in userInfo[Report.configKey]"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            config: config, sends: try c.decode([Send].self, forKey: .sends), programs: try c.decode([ProgramReport].self, forKey: .programs),
            weeks: try c.decode([WeekReport].self, forKey: .weeks), alerts: try c.decode([Alert].self, forKey: .alerts),
            newestData: try c.decode(Date.self, forKey: .newestData), warnings: try c.decode([Diagnostic].self, forKey: .warnings),
            eventCount: try c.decode(Int.self, forKey: .eventCount), insights: try c.decodeIfPresent(RecipientInsights.self, forKey: .insights))
        reactivation = try c.decode([String: ReactivationResult].self, forKey: .reactivation)
        beforeAfter = try c.decode([String: BeforeAfter].self, forKey: .beforeAfter)
        experiments = try c.decode([ExperimentResult].self, forKey: .experiments)
        mailboxProviders = try c.decode(MailboxProviderReport.self, forKey: .mailboxProviders)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sends, forKey: .sends)
        try c.encode(programs, forKey: .programs)
        try c.encode(weeks, forKey: .weeks)
        try c.encode(alerts, forKey: .alerts)
        try c.encode(newestData, forKey: .newestData)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(eventCount, forKey: .eventCount)
        try c.encodeIfPresent(insights, forKey: .insights)
        try c.encode(reactivation, forKey: .reactivation)
        try c.encode(beforeAfter, forKey: .beforeAfter)
        try c.encode(experiments, forKey: .experiments)
        try c.encode(mailboxProviders, forKey: .mailboxProviders)
    }
}
