import Foundation
import ReportCore

/// Everything the report asks of the recipient events, as questions with their parameters.
///
/// Two things answer them: the fold (`EventAccumulator`), by walking its messages, and aggregate tables
/// (`RecipientAggregates`), computed beforehand by `inbox-report export aggregates` or by a warehouse
/// (`docs/aggregates.md`). The report builder asks the same questions of either, so a site built from
/// aggregates is the site built from the events. Aggregates answer only the questions they were computed
/// for: asked with other parameters (another plan, other windows, other cohorts) they throw, naming the table.
public protocol RecipientEvidence {
    /// Events read, each one (a repeated event, such as a webhook retry, is counted again but changes no
    /// other figure: every figure is of message facts); 0 means there is no recipient-level data.
    var eventCount: Int { get }
    /// The newest event's time (Unix seconds).
    var newestTime: Double { get }
    /// Each send's counts from its recipients' messages, by campaign id.
    func summaries() throws -> [String: EventSummary]
    /// Tiers, frequency and per-send details for the report's sends with events.
    func insights(plan: InsightsPlan) throws -> RecipientInsights
    /// The outcomes of each win-back or re-activation send, by id, with the end of its response window.
    func reactivation(windows: [String: Double], newest: Double) throws -> [String: ReactivationResult]
    /// The tallies of a frequency test's cohorts, given the cohort of each of its sends.
    func cohorts(experiment: String, _ cohortOf: [String: Int], count: Int) throws -> [CohortTally]
}

extension EventAccumulator: RecipientEvidence {
    public func cohorts(experiment: String, _ cohortOf: [String: Int], count: Int) throws -> [CohortTally] {
        cohorts(cohortOf, count: count)
    }

    public func reactivation(windows: [String: Double], newest: Double) throws -> [String: ReactivationResult] {
        reactivation(windows: windows, newest: newest, lateDays: ReactivationResult.lateDays)
    }
}

/// Answers from another evidence, and keeps every question with its answer: after a report is built through
/// it, `aggregates` holds exactly what that report needed of the events (for `export aggregates`).
public final class RecordingEvidence: RecipientEvidence {
    let source: RecipientEvidence
    public private(set) var aggregates: RecipientAggregates

    public init(_ source: RecipientEvidence) {
        self.source = source
        aggregates = RecipientAggregates(eventCount: source.eventCount, newestTime: source.eventCount > 0 ? source.newestTime : nil)
    }

    public var eventCount: Int { source.eventCount }
    public var newestTime: Double { source.newestTime }

    public func summaries() throws -> [String: EventSummary] {
        let answer = try source.summaries()
        aggregates.sends = answer.mapValues { RecipientAggregates.SendSummary($0) }
        return answer
    }

    public func insights(plan: InsightsPlan) throws -> RecipientInsights {
        let answer = try source.insights(plan: plan)
        aggregates.insights = RecipientAggregates.PlannedInsights(plan: RecipientAggregates.Plan(plan), insights: answer)
        return answer
    }

    public func reactivation(windows: [String: Double], newest: Double) throws -> [String: ReactivationResult] {
        let answer = try source.reactivation(windows: windows, newest: newest)
        aggregates.reactivation = answer.mapValues { RecipientAggregates.Outcomes($0) }
        return answer
    }

    public func cohorts(experiment: String, _ cohortOf: [String: Int], count: Int) throws -> [CohortTally] {
        let answer = try source.cohorts(experiment: experiment, cohortOf, count: count)
        aggregates.experiments[experiment] = RecipientAggregates.Cohorts(cohortOf: cohortOf, tallies: answer)
        return answer
    }
}
