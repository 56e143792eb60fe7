import EventFold
import Foundation
import ReportCore

/// The outcome of an experiment of `report.yml` (`metrics.md`, *Experiments*).
public struct ExperimentResult: Sendable, Codable {
    public var config: ExperimentConfig
    public var outcome: Outcome

    public enum Outcome: Sendable, Codable {
        case frequency(FrequencyResult)
        case subjectLine(SubjectLineResult)
    }

    public var slug: String { config.slug }
}

/// What a frequency test shows per recipient and per message, cohort by cohort.
public struct FrequencyResult: Sendable, Codable {
    public var test: FrequencyTest
    /// Calendar weeks from `from` through `through`.
    public var weeks: Int
    /// In the order of `report.yml`.
    public var cohorts: [CohortResult]
    public var controlIndex: Int
    /// Whether recipient events were read for the cohorts' sends: without them there is nothing per recipient.
    public var hasRecipients: Bool

    public var control: CohortResult { cohorts[controlIndex] }
}

/// A per-recipient figure of a frequency test: a mean count (clicks per recipient) or a share of the
/// cohort's recipients (unsubscribed at least once).
public enum PerRecipient: String, Sendable, CaseIterable, Codable {
    case clicks, humanOpens = "human_opens", unsubscribed, complained, hardBounced = "hard_bounced", lost

    public var higherIsBetter: Bool { self == .clicks || self == .humanOpens }
    /// A share of recipients (a rate with a Wilson interval) rather than a mean count.
    public var isShare: Bool { !(self == .clicks || self == .humanOpens) }
}

public struct CohortResult: Sendable, Codable {
    public var name: String
    /// The cohort's sends in the test's weeks, oldest first.
    public var sendIDs: [String]
    /// Per-message counts and rates of those sends.
    public var totals: Totals
    public var tally: CohortTally

    /// Messages that went out per recipient per week of the test.
    public func messagesPerRecipientPerWeek(weeks: Int) -> Double? {
        tally.recipients > 0 && weeks > 0 ? Double(tally.messages.wentOut) / Double(tally.recipients) / Double(weeks) : nil
    }

    public func share(_ m: PerRecipient) -> Ratio? {
        let n: Int
        switch m {
        case .unsubscribed: n = tally.unsubscribed
        case .complained: n = tally.complained
        case .hardBounced: n = tally.hardBounced
        case .lost: n = tally.lost
        case .clicks, .humanOpens: return nil
        }
        return tally.recipients > 0 ? Ratio(n, tally.recipients) : nil
    }

    public func mean(_ m: PerRecipient) -> MeanCount? {
        let p: CohortTally.PerRecipient
        switch m {
        case .clicks: p = tally.clicks
        case .humanOpens: p = tally.humanOpens
        default: return nil
        }
        return tally.recipients > 0 ? MeanCount(n: tally.recipients, sum: p.sum, sumOfSquares: p.sumOfSquares) : nil
    }

    /// The figure per recipient (a mean, or a share as a fraction).
    public func value(_ m: PerRecipient) -> Double? { m.isShare ? share(m)?.value : mean(m)?.mean }

    public func interval(_ m: PerRecipient) -> Interval? { m.isShare ? share(m)?.interval : nil }

    /// This cohort minus the other, with its 95 % interval (Newcombe for shares, Welch for means).
    public func difference(_ m: PerRecipient, from other: CohortResult) -> Estimate? {
        if m.isShare {
            guard let a = share(m), let b = other.share(m) else { return nil }
            return a.difference(from: b)
        }
        guard let a = mean(m), let b = other.mean(m) else { return nil }
        return a.difference(from: b)
    }
}

/// Variants of one send, each against the first.
public struct SubjectLineResult: Sendable, Codable {
    public var test: SubjectLineTest
    public var variants: [VariantResult]
}

public struct VariantResult: Sendable, Codable {
    public var sendID: String
    public var totals: Totals
    /// The deciding rate against the first variant's (nil for the first).
    public var lift: Estimate?
    /// The probability that this variant's true rate is better than the first's, by the rate's direction.
    public var probabilityBetter: Double?
}

enum ExperimentRules {
    /// Every experiment of the config, or the first error naming the experiment's key in report.yml.
    static func compute(_ report: Report, evidence: (any RecipientEvidence)?) throws -> [ExperimentResult] {
        try report.config.experiments.map { e in
            switch e.kind {
            case .frequency(let t): return ExperimentResult(config: e, outcome: .frequency(try frequency(e, t, report, evidence)))
            case .subjectLine(let t): return ExperimentResult(config: e, outcome: .subjectLine(try subjectLine(e, t, report)))
            }
        }
    }

    static func frequency(_ e: ExperimentConfig, _ t: FrequencyTest, _ report: Report, _ evidence: (any RecipientEvidence)?) throws -> FrequencyResult {
        let calendar = WeekCalendar(timeZone: report.config.timeZone)
        let inRange = report.sends.filter { s in
            s.week >= t.from && s.week <= t.through && (t.program == nil || s.program == t.program)
        }
        var members = [[Send]](repeating: [], count: t.cohorts.count)
        var cohortOf: [String: Int] = [:]
        for s in inRange {
            let matched = t.cohorts.indices.filter { t.cohorts[$0].matches(campaign: s.id, segment: s.segment, group: s.experimentGroup) }
            if matched.count > 1 {
                throw ReportError("experiment \(e.slug): send \"\(InputLimits.quoted(s.id))\" is in cohorts \(matched.map { "\"\(t.cohorts[$0].name)\"" }.joined(separator: " and ")): cohorts must not overlap", at: t.cohorts[matched[1]].location)
            }
            if let c = matched.first {
                members[c].append(s)
                cohortOf[s.id] = c
            }
        }
        for (i, c) in t.cohorts.enumerated() where members[i].isEmpty {
            let role = c.name == t.control ? "the control cohort" : "cohort"
            throw ReportError("experiment \(e.slug): \(role) \"\(c.name)\" has no sends from \(t.from) through \(t.through)\(t.program.map { " in program \($0)" } ?? "")", at: c.location)
        }
        let tallies = try evidence?.cohorts(experiment: e.slug, cohortOf, count: t.cohorts.count) ?? []
        let cohorts = t.cohorts.enumerated().map { i, c in
            CohortResult(name: c.name, sendIDs: members[i].map(\.id), totals: Totals(members[i]),
                         tally: i < tallies.count ? tallies[i] : CohortTally())
        }
        return FrequencyResult(
            test: t, weeks: calendar.weeks(from: t.from, through: t.through).count, cohorts: cohorts,
            controlIndex: t.cohorts.firstIndex { $0.name == t.control } ?? 0,
            hasRecipients: cohorts.allSatisfy { $0.tally.recipients > 0 })
    }

    static func subjectLine(_ e: ExperimentConfig, _ t: SubjectLineTest, _ report: Report) throws -> SubjectLineResult {
        let sends: [Send]
        switch t.variants {
        case .campaigns(let ids):
            sends = try ids.map { id in
                guard let s = report.send(id) else {
                    throw ReportError("experiment \(e.slug): variant \"\(InputLimits.quoted(id))\" is not a send in the data", at: e.location)
                }
                return s
            }
        case .test(let id):
            // Variants in the order they went out; the first is the baseline.
            sends = report.sends.filter { $0.test == id }
            guard sends.count >= 2 else {
                throw ReportError("experiment \(e.slug): test \"\(InputLimits.quoted(id))\" has \(sends.count) send\(sends.count == 1 ? "" : "s") with that test column; a test compares at least two", at: e.location)
            }
        }
        let base = Totals([sends[0]])
        let kpi = t.metric
        let variants = sends.enumerated().map { i, s -> VariantResult in
            let totals = Totals([s])
            guard i > 0, let a = totals.rates[kpi], let b = base.rates[kpi] else { return VariantResult(sendID: s.id, totals: totals) }
            let higher = a.probabilityHigher(than: b)
            return VariantResult(sendID: s.id, totals: totals, lift: a.difference(from: b),
                                 probabilityBetter: higher.map { kpi.higherIsBetter ? $0 : 1 - $0 })
        }
        return SubjectLineResult(test: t, variants: variants)
    }
}
