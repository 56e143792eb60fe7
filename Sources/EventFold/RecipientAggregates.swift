import Foundation
import ReportCore

/// What a report needs of its recipient events and nothing per recipient: the answers to `RecipientEvidence`'s
/// questions, with the parameters they were computed for. `docs/aggregates.md` gives the tables they are
/// written as (`AggregateTables` in Reading); `RecordingEvidence` collects them while a report is built from
/// the events, and a warehouse computes the same tables with SQL.
///
/// As evidence, the aggregates answer a question only when its parameters are the ones they were computed
/// for; otherwise they throw an error that names the table and the first difference, since an answer to
/// another question would be a wrong figure.
public struct RecipientAggregates: RecipientEvidence, Sendable, Codable {
    public var eventCount: Int
    /// nil without events.
    public var newestEventTime: Double?
    public var sends: [String: SendSummary] = [:]
    public var insights: PlannedInsights?
    public var reactivation: [String: Outcomes] = [:]
    public var experiments: [String: Cohorts] = [:]
    /// The folder the tables were read from (project-relative), for errors; nil when computed here.
    public var folder: String?

    public init(eventCount: Int, newestTime: Double?) {
        self.eventCount = eventCount
        newestEventTime = newestTime
    }

    public var newestTime: Double { newestEventTime ?? -.infinity }

    /// One send's counts from its recipients' messages (`EventSummary` without the event file's location).
    public struct SendSummary: Sendable, Codable, Equatable {
        public var counts: SendCounts
        public var program: String?
        public var firstSendTime: Double
        public var hasMachineSignal: Bool
        /// The table row it was read from.
        public var location: SourceLocation?

        public init(counts: SendCounts, program: String?, firstSendTime: Double, hasMachineSignal: Bool, location: SourceLocation? = nil) {
            self.counts = counts
            self.program = program
            self.firstSendTime = firstSendTime
            self.hasMachineSignal = hasMachineSignal
            self.location = location
        }

        init(_ s: EventSummary) {
            self.init(counts: s.counts, program: s.program, firstSendTime: s.firstSendTime, hasMachineSignal: s.hasMachineSignal)
        }

        public static func == (a: SendSummary, b: SendSummary) -> Bool {
            a.counts == b.counts && a.program == b.program && a.firstSendTime == b.firstSendTime && a.hasMachineSignal == b.hasMachineSignal
        }
    }

    /// The plan of the walks in words (`InsightsPlan` holds indexes): weeks, the programs and sends with
    /// events, and the configuration that decides tiers and frequency.
    public struct Plan: Sendable, Codable, Equatable {
        public struct PlannedSend: Sendable, Codable, Equatable {
            public var sentAt: Double
            public var program: String
            public var week: ISOWeek
            public init(sentAt: Double, program: String, week: ISOWeek) {
                self.sentAt = sentAt
                self.program = program
                self.week = week
            }
        }
        public var weeks: [ISOWeek]
        public var weekEnds: [Double]
        public var sends: [String: PlannedSend]
        public var bounds: TierBounds
        public var frequencyThreshold: Int

        public init(weeks: [ISOWeek], weekEnds: [Double], sends: [String: PlannedSend], bounds: TierBounds, frequencyThreshold: Int) {
            self.weeks = weeks
            self.weekEnds = weekEnds
            self.sends = sends
            self.bounds = bounds
            self.frequencyThreshold = frequencyThreshold
        }

        public init(_ p: InsightsPlan) {
            self.init(weeks: p.weeks, weekEnds: p.weekEnds,
                      sends: p.sends.mapValues { PlannedSend(sentAt: $0.sentAt, program: p.programs[$0.program], week: p.weeks[$0.week]) },
                      bounds: p.bounds, frequencyThreshold: p.frequencyThreshold)
        }

        /// The programs with events, in the order the walks number them.
        public var programs: [String] { Array(Set(sends.values.map(\.program))).sorted() }

        /// The first difference from `other` (what these aggregates were computed for), in words; nil when equal.
        func difference(from other: Plan) -> String? {
            if weeks != other.weeks {
                return "they cover \(Self.span(other.weeks)), this report \(Self.span(weeks))"
            }
            if weekEnds != other.weekEnds { return "their weeks end at other times (another time zone)" }
            for id in Set(sends.keys).union(other.sends.keys).sorted() {
                switch (sends[id], other.sends[id]) {
                case (nil, _?): return "they have the send \"\(InputLimits.quoted(id))\" with events, this report does not"
                case (_?, nil): return "they have no events of the send \"\(InputLimits.quoted(id))\""
                case let (mine?, theirs?) where mine != theirs:
                    return "the send \"\(InputLimits.quoted(id))\" is in program \(theirs.program), week \(theirs.week), sent at \(theirs.sentAt) there, "
                        + "in program \(mine.program), week \(mine.week), sent at \(mine.sentAt) here"
                default: continue
                }
            }
            if bounds != other.bounds { return "their tier bounds differ from report.yml's" }
            if frequencyThreshold != other.frequencyThreshold {
                return "they count recipient-weeks above \(other.frequencyThreshold) messages, report.yml says \(frequencyThreshold)"
            }
            return nil
        }

        static func span(_ weeks: [ISOWeek]) -> String {
            guard let first = weeks.first, let last = weeks.last else { return "no weeks" }
            return "\(first) to \(last)"
        }
    }

    /// The walks' results with the plan they followed.
    public struct PlannedInsights: Sendable, Codable {
        public var plan: Plan
        public var insights: RecipientInsights
        public init(plan: Plan, insights: RecipientInsights) {
            self.plan = plan
            self.insights = insights
        }
    }

    /// A win-back or re-activation send's outcomes (`ReactivationResult`, whose `pending` follows from the
    /// window's end and the newest data of the report that reads them).
    public struct Outcomes: Sendable, Codable, Equatable {
        public var windowEnd: Double
        public var messages: MessageTally
        /// By `Outcome.rawValue`.
        public var outcomes: [Int]
        public var lateEngagers: Int

        public init(windowEnd: Double, messages: MessageTally, outcomes: [Int], lateEngagers: Int) {
            self.windowEnd = windowEnd
            self.messages = messages
            self.outcomes = outcomes
            self.lateEngagers = lateEngagers
        }

        init(_ r: ReactivationResult) {
            self.init(windowEnd: r.windowEnd.timeIntervalSince1970, messages: r.messages, outcomes: r.outcomes, lateEngagers: r.lateEngagers)
        }

        func result(campaign: String, newest: Double) -> ReactivationResult {
            var r = ReactivationResult(campaign: campaign, windowEnd: Date(timeIntervalSince1970: windowEnd), pending: windowEnd > newest)
            r.messages = messages
            r.outcomes = outcomes
            r.lateEngagers = lateEngagers
            return r
        }
    }

    /// A frequency test's cohorts: which send went to which cohort, and each cohort's tally.
    public struct Cohorts: Sendable, Codable, Equatable {
        public var cohortOf: [String: Int]
        public var tallies: [CohortTally]
        public init(cohortOf: [String: Int], tallies: [CohortTally]) {
            self.cohortOf = cohortOf
            self.tallies = tallies
        }
    }

    // MARK: Answers

    /// A table of these aggregates, for an error that says which one no longer fits.
    func at(_ table: String) -> SourceLocation? {
        folder.map { SourceLocation(file: $0 + "/" + table + ".csv") }
    }

    static let again = "compute the aggregates again from the events with this report.yml and these campaign results"

    public func summaries() throws -> [String: EventSummary] {
        var out: [String: EventSummary] = [:]
        for (id, s) in sends {
            out[id] = EventSummary(campaign: id, counts: s.counts, program: s.program, firstSendTime: s.firstSendTime,
                                   hasMachineSignal: s.hasMachineSignal,
                                   location: s.location ?? at("send_counts") ?? SourceLocation(file: "aggregates"))
        }
        return out
    }

    public func insights(plan: InsightsPlan) throws -> RecipientInsights {
        let asked = Plan(plan)
        guard let insights else {
            throw ReportError("the aggregates have no tiers or per-send details: \(Self.again)", at: at("send_insights"))
        }
        if let difference = asked.difference(from: insights.plan) {
            throw ReportError("the aggregates were computed for other sends or settings: \(difference); \(Self.again)", at: at("send_insights"))
        }
        return insights.insights
    }

    public func reactivation(windows: [String: Double], newest: Double) throws -> [String: ReactivationResult] {
        var out: [String: ReactivationResult] = [:]
        for (id, end) in windows.sorted(by: { $0.key < $1.key }) {
            // The fold answers only for sends it has events of; so do the aggregates.
            guard sends[id] != nil else { continue }
            guard let o = reactivation[id] else {
                throw ReportError("the aggregates have no outcomes of the \(id) send, which this report counts as a win-back or re-activation send: \(Self.again)", at: at("reactivation"))
            }
            guard o.windowEnd == end else {
                throw ReportError("the aggregates counted the outcomes of \(id) in a response window ending at \(o.windowEnd), this report's ends at \(end): \(Self.again)", at: at("reactivation"))
            }
            out[id] = o.result(campaign: id, newest: newest)
        }
        if let extra = Set(reactivation.keys).subtracting(out.keys).sorted().first {
            throw ReportError("the aggregates have outcomes of \(extra), which this report does not count as a win-back or re-activation send: \(Self.again)", at: at("reactivation"))
        }
        return out
    }

    public func cohorts(experiment: String, _ cohortOf: [String: Int], count: Int) throws -> [CohortTally] {
        guard let c = experiments[experiment] else {
            throw ReportError("the aggregates have no cohorts of the experiment \(experiment): \(Self.again)", at: at("experiment_cohorts"))
        }
        // Only sends with events are walked, so only their cohorts must agree.
        let asked = cohortOf.filter { sends[$0.key] != nil }, computed = c.cohortOf.filter { sends[$0.key] != nil }
        guard asked == computed, c.tallies.count == count else {
            throw ReportError("the aggregates were computed for other cohorts of the experiment \(experiment): \(Self.again)", at: at("experiment_cohorts"))
        }
        return c.tallies
    }
}
