import Foundation

/// A warning and a critical level. Which side is bad depends on the signal.
public struct Band: Sendable, Hashable {
    public var warning: Double?
    public var critical: Double?
    public init(warning: Double?, critical: Double?) {
        self.warning = warning
        self.critical = critical
    }
}

/// Alert thresholds (`metrics.md`, *Alerts and recommendations*), each overridable in `report.yml`.
public struct Thresholds: Sendable, Hashable {
    /// Complaint rate of a send or program-week: ≥ 0.1 % warning, ≥ 0.3 % critical.
    public var complaintRate = Band(warning: 0.001, critical: 0.003)
    /// Hard bounce rate of a send or program-week: ≥ 2 % warning, ≥ 5 % critical.
    public var hardBounceRate = Band(warning: 0.02, critical: 0.05)
    /// A program-week's unsubscribe rate at or above this multiple of its 4 previous weeks.
    public var unsubscribeSpike = 2.0
    /// After 4 weeks without a single unsubscribe, this many unsubscribes in a program-week are a spike (a
    /// multiple of zero would be never, or always). Ten: below it, a handful of opt-outs on a small list is
    /// ordinary noise.
    public var unsubscribeSpikeFromZero = 10
    /// A program-week's human open rate at or below this fraction of its 4 previous weeks.
    public var humanOpenDrop = 0.7
    /// Share of inactive recipients among the non-suppressed list.
    public var inactiveShare = Band(warning: 0.25, critical: 0.5)
    /// Messages per recipient per week above which a frequency bucket raises an alert.
    public var messagesPerWeek = 5

    public init() {}
}

/// One program's configuration: display name, order and goals.
public struct ProgramConfig: Sendable, Hashable {
    public var slug: String
    public var name: String?
    public var goals: [KPI: Double]
    public init(slug: String, name: String? = nil, goals: [KPI: Double] = [:]) {
        self.slug = slug
        self.name = name
        self.goals = goals
    }
}

/// Input formats a file can be pinned to.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Campaign results (aggregate, one row per send), CSV, JSON Lines or JSON array.
    case campaigns
    /// Canonical recipient events, CSV, JSON Lines or JSON array.
    case events
    case sendgrid, ses, mailgun, postmark
    /// Gmail Postmaster Tools API responses and request bodies (JSON).
    case gmailPostmaster = "gmail-postmaster"
    /// Microsoft SNDS data exports (CSV without a header).
    case microsoftSNDS = "microsoft-snds"
    /// inbox-report's aggregate tables (`docs/aggregates.md`), in place of recipient events (CSV).
    case aggregates
}

/// The file inbox-report leaves in a folder it writes whole (a site, exported aggregates) and may replace.
public enum OutputMarker {
    public static let name = ".inbox-report-output"
}

/// A per-glob rule from `inputs:`: pin a format, name the campaign-id field, map columns.
public struct InputRule: Sendable, Hashable {
    public var path: String
    public var format: InputFormat?
    public var campaignField: String?
    /// Export header (as written) → canonical column name.
    public var columns: [String: String]
    public var location: SourceLocation
    public init(path: String, format: InputFormat? = nil, campaignField: String? = nil, columns: [String: String] = [:], location: SourceLocation) {
        self.path = path
        self.format = format
        self.campaignField = campaignField
        self.columns = columns
        self.location = location
    }
}

/// `report.yml`, validated.
public struct ReportConfig: Sendable {
    public var title: String
    public var language: String
    public var timeZone: TimeZone
    /// The time zone as report.yml names it (Foundation on Linux calls UTC "GMT"): the aggregate tables write it.
    public var timeZoneName = "UTC"
    /// Programs in the order `report.yml` lists them; programs seen only in data follow, sorted.
    public var programs: [ProgramConfig]
    public var thresholds: Thresholds
    public var responseWindowDays: Int
    public var responseWindowDaysByKind: [SendKind: Int]
    public var campaignPrograms: [(pattern: String, program: String)]
    public var inputs: [InputRule]
    public var baseURL: String?
    /// Keep raw HTML and unsafe links in notes. Only for notes the user writes and trusts.
    public var trustedNotes: Bool
    /// List-health tier boundaries in days (`tiers:`): active, warm, cooling, at risk; and `new`.
    public var tierDays: [String: Int] = [:]
    /// Frequency and subject-line tests (`experiments:`), in the order written.
    public var experiments: [ExperimentConfig] = []

    public init(
        title: String = "Deliverability report", language: String = "en",
        timeZone: TimeZone = TimeZone(identifier: "UTC")!, programs: [ProgramConfig] = [],
        thresholds: Thresholds = Thresholds(), responseWindowDays: Int = 14,
        responseWindowDaysByKind: [SendKind: Int] = [:], campaignPrograms: [(pattern: String, program: String)] = [],
        inputs: [InputRule] = [], baseURL: String? = nil, trustedNotes: Bool = false
    ) {
        self.title = title
        self.language = language
        self.timeZone = timeZone
        self.programs = programs
        self.thresholds = thresholds
        self.responseWindowDays = responseWindowDays
        self.responseWindowDaysByKind = responseWindowDaysByKind
        self.campaignPrograms = campaignPrograms
        self.inputs = inputs
        self.baseURL = baseURL
        self.trustedNotes = trustedNotes
    }

    public func program(_ slug: String) -> ProgramConfig? {
        programs.first { $0.slug == slug }
    }

    /// The response window that applies to a send of this kind, in days.
    public func responseWindow(for kind: SendKind) -> Int {
        responseWindowDaysByKind[kind] ?? responseWindowDays
    }

    /// The program that `campaign_programs:` assigns to a campaign id, first matching pattern wins.
    public func programForCampaign(_ id: String) -> String? {
        campaignPrograms.first { Glob.matches($0.pattern, id) }?.program
    }

    /// The `inputs:` rule that applies to a project-relative path, first match wins.
    public func inputRule(for path: String) -> InputRule? {
        inputs.first { Glob.matches($0.path, path) }
    }
}
