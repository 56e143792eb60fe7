import EventFold
import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *Experiments*: a frequency test per recipient, worked by hand, and a subject-line test.
@Suite struct ExperimentTests {
    let monday46 = date("2026-11-09T09:00:00Z").timeIntervalSince1970
    let day = 86_400.0

    func frequencyConfig(control: String = "once") -> ReportConfig {
        var c = config()
        let at = SourceLocation(file: "report.yml", line: 3)
        c.experiments = [ExperimentConfig(slug: "freq", title: "Once or twice", kind: .frequency(FrequencyTest(
            program: "newsletter", from: ISOWeek(year: 2026, week: 46), through: ISOWeek(year: 2026, week: 47), control: control,
            cohorts: [Cohort(name: "once", rule: .group("once"), location: at), Cohort(name: "twice", rule: .group("twice"), location: at)])),
            location: at)]
        return c
    }

    /// Two weeks. *once*: o1 (W46) and o2 (W47) to a1…a4. *twice*: t1, t2 (W46) and t3, t4 (W47) to b1…b4, but b3
    /// unsubscribes from t2 and b4 complains about t1, and neither is mailed again.
    /// Clicks per recipient: once (a1 2, a2 1, a3 0, a4 0) → mean 0.75, Σx² = 5; twice (b1 3, b2 1, 0, 0) → mean 1.0,
    /// Σx² = 10. Variances (5 − 4·0.75²)/3 = 0.916667 and (10 − 4·1²)/3 = 2; standard error √(0.916667/4 + 2/4) =
    /// 0.853913; difference 0.25 ± 1.959964 × 0.853913 = −1.42364 … 1.92364: no clear difference.
    /// Messages that went out: once 8, twice 4 + 4 + 2 + 1 = 11; per recipient per week 1.0 and 1.375.
    /// Lost to the list: once 0 of 4, twice 2 of 4 (the unsubscribe and the complaint).
    func frequencyReport(control: String = "once") throws -> Report {
        let acc = EventAccumulator()
        var line = 1
        func add(_ t: Double, _ c: String, _ r: String, _ type: EventType) {
            line += 1
            acc.add(RecipientEvent(time: t, campaign: c, recipient: r, type: type), at: SourceLocation(file: "e.csv", line: line))
        }
        func message(_ c: String, _ r: String, at t: Double, clicked: Bool = false) {
            add(t, c, r, .sent)
            add(t + 10, c, r, .delivered)
            if clicked { add(t + 600, c, r, .click) }
        }
        let sends: [(String, String, Double)] = [
            ("o1", "once", monday46), ("o2", "once", monday46 + 7 * day),
            ("t1", "twice", monday46), ("t2", "twice", monday46 + 3 * day), ("t3", "twice", monday46 + 7 * day), ("t4", "twice", monday46 + 10 * day),
        ]
        for (id, _, t) in sends where id.hasPrefix("o") {
            for r in ["a1", "a2", "a3", "a4"] { message(id, r, at: t, clicked: r == "a1" || (r == "a2" && id == "o1")) }
        }
        let bClicks: Set<String> = ["b1 t1", "b1 t2", "b1 t3", "b2 t1"]
        for (id, _, t) in sends where id.hasPrefix("t") {
            for r in ["b1", "b2", "b3", "b4"] {
                if r == "b3" && (id == "t3" || id == "t4") { continue }
                if r == "b4" && id != "t1" { continue }
                message(id, r, at: t, clicked: bClicks.contains("\(r) \(id)"))
                if r == "b3" && id == "t2" { add(t + 3600, id, r, .unsubscribe) }
                if r == "b4" && id == "t1" { add(t + 3600, id, r, .complaint) }
            }
        }
        let rows = sends.enumerated().map { i, s in
            var row = CampaignRow(campaign: s.0, program: "newsletter", sentAt: Date(timeIntervalSince1970: s.2), location: SourceLocation(file: "c.csv", line: i + 2))
            row.experimentGroup = s.1
            return row
        }
        return try ReportBuilder.build(config: frequencyConfig(control: control), rows: rows, evidence: acc)
    }

    @Test func aFrequencyTestPerRecipientWorkedByHand() throws {
        let report = try frequencyReport()
        guard case .frequency(let r) = try #require(report.experiment("freq")).outcome else { Issue.record("not a frequency test"); return }
        #expect(r.weeks == 2)
        #expect(r.hasRecipients)
        let once = r.cohorts[0], twice = r.cohorts[1]
        #expect(once.sendIDs == ["o1", "o2"])
        #expect(twice.sendIDs == ["t1", "t2", "t3", "t4"])
        #expect(once.tally.recipients == 4 && twice.tally.recipients == 4)
        #expect(once.messagesPerRecipientPerWeek(weeks: r.weeks) == 1.0)
        #expect(twice.messagesPerRecipientPerWeek(weeks: r.weeks) == 1.375)
        #expect(once.value(.clicks) == 0.75 && twice.value(.clicks) == 1.0)
        let clicks = try #require(twice.difference(.clicks, from: once))
        #expect(abs(clicks.value - 0.25) < 1e-12)
        #expect(abs(clicks.interval.low - (0.25 - 1.959964 * 0.853913)) < 1e-5)
        #expect(abs(clicks.interval.high - (0.25 + 1.959964 * 0.853913)) < 1e-5)
        #expect(!clicks.interval.excludesZero)
        #expect(twice.share(.unsubscribed) == Ratio(1, 4))
        #expect(twice.share(.complained) == Ratio(1, 4))
        #expect(twice.share(.lost) == Ratio(2, 4))
        #expect(once.share(.lost) == Ratio(0, 4))
        // Per message: the cohorts' own sends summed — twice has 11 delivered, 1 unsubscribe.
        #expect(twice.totals.rates[.unsubscribeRate] == Ratio(1, 11))
        #expect(once.totals.rates[.clickRate] == Ratio(3, 8))
    }

    @Test func aControlCohortWithNoSendsIsAnErrorAtItsLine() throws {
        var c = frequencyConfig()
        guard case .frequency(var t) = c.experiments[0].kind else { return }
        t.cohorts[0] = Cohort(name: "once", rule: .group("weekly"), location: SourceLocation(file: "report.yml", line: 9))
        c.experiments[0].kind = .frequency(t)
        do {
            _ = try ReportBuilder.build(config: c, rows: [row("o1", counts(sent: 10, delivered: 10))], evidence: nil)
            Issue.record("no error")
        } catch let e as ReportError {
            #expect(e.location == SourceLocation(file: "report.yml", line: 9))
            #expect(e.message.contains("the control cohort \"once\" has no sends"))
        }
    }

    @Test func aSendInTwoCohortsIsAnError() throws {
        var c = frequencyConfig()
        let at = SourceLocation(file: "report.yml", line: 5)
        c.experiments[0].kind = .frequency(FrequencyTest(
            program: nil, from: ISOWeek(year: 2026, week: 47), through: ISOWeek(year: 2026, week: 47), control: "a",
            cohorts: [Cohort(name: "a", rule: .campaigns(["promo-*"]), location: at), Cohort(name: "b", rule: .campaigns(["*-sat"]), location: at)]))
        #expect(throws: ReportError.self) {
            try ReportBuilder.build(config: c, rows: [row("promo-sat", counts(sent: 10, delivered: 10)), row("promo-thu", counts(sent: 10, delivered: 10))], evidence: nil)
        }
    }

    /// Variants found by their test column, in the order they went out; B against A by hand: 1,200 / 6,000 human
    /// opens against 1,000 / 6,000 is +3.33 pp, and its probability to be better is the exact Beta sum's.
    @Test func aSubjectLineTestAgainstTheFirstVariant() throws {
        var c = config()
        c.experiments = [ExperimentConfig(slug: "subj", title: "Subject", kind: .subjectLine(SubjectLineTest(variants: .test("t1"), metric: .humanOpenRate)),
                                          location: SourceLocation(file: "report.yml", line: 2))]
        var a = row("sa", at: "2026-11-17T09:00:00Z", counts(sent: 6000, delivered: 6000, opens: 1000, machine: 0, clicks: 100, unsubs: 12))
        var b = row("sb", at: "2026-11-17T09:05:00Z", counts(sent: 6000, delivered: 6000, opens: 1200, machine: 0, clicks: 100, unsubs: 6))
        a.test = "t1"; b.test = "t1"
        let report = try ReportBuilder.build(config: c, rows: [b, a, row("other", counts(sent: 10, delivered: 10))], evidence: nil)
        guard case .subjectLine(let r) = try #require(report.experiment("subj")).outcome else { Issue.record("not a subject test"); return }
        #expect(r.variants.map(\.sendID) == ["sa", "sb"])
        #expect(r.variants[0].lift == nil)
        let lift = try #require(r.variants[1].lift)
        #expect(abs(lift.value - 200.0 / 6000) < 1e-12)
        #expect(lift.interval.excludesZero)
        #expect(r.variants[1].probabilityBetter == Ratio(1200, 6000).probabilityHigher(than: Ratio(1000, 6000)))
        #expect((r.variants[1].probabilityBetter ?? 0) > 0.99)

        // For a lower-is-better metric the probability is of being lower.
        c.experiments[0].kind = .subjectLine(SubjectLineTest(variants: .campaigns(["sa", "sb"]), metric: .unsubscribeRate))
        guard case .subjectLine(let u) = try ReportBuilder.build(config: c, rows: [a, b], evidence: nil).experiments[0].outcome else { return }
        let p = try #require(u.variants[1].probabilityBetter)
        #expect(abs(p - (1 - (Ratio(6, 6000).probabilityHigher(than: Ratio(12, 6000)) ?? 0))) < 1e-12)
        #expect(p > 0.5)
    }

    @Test func aSubjectLineTestWithOneSendIsAnError() throws {
        var c = config()
        c.experiments = [ExperimentConfig(slug: "subj", title: "Subject", kind: .subjectLine(SubjectLineTest(variants: .test("t1"), metric: .humanOpenRate)),
                                          location: SourceLocation(file: "report.yml", line: 7))]
        var a = row("sa", counts(sent: 10, delivered: 10))
        a.test = "t1"
        do {
            _ = try ReportBuilder.build(config: c, rows: [a], evidence: nil)
            Issue.record("no error")
        } catch let e as ReportError {
            #expect(e.location?.line == 7)
            #expect(e.message.contains("has 1 send"))
        }
    }
}
