import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *Alerts and recommendations*. Bands are inclusive.
@Suite struct AlertTests {
    func alerts(_ rows: [CampaignRow], programs: [ProgramConfig] = []) throws -> [Alert] {
        try build(rows, config: config(programs: programs)).alerts
    }

    /// 10,500 sent, 500 soft-bounced, 10,000 delivered: a complaint rate over sent (a wrong formula) would
    /// fall below each edge below.
    func complaintSend(_ complaints: Int, delivered: Int = 10_000) -> CampaignRow {
        row("c", counts(sent: delivered + 500, delivered: delivered, hard: 0, soft: 500, opens: 2000, machine: 0, clicks: 200, unsubs: 0, complaints: complaints))
    }

    @Test(arguments: [
        (9, nil),                     // 0.09 %: below the warning level
        (10, Alert.Severity.warning), // exactly 0.1 %: warning
        (29, .warning),               // 0.29 %
        (30, .critical),              // exactly 0.3 %: critical
    ] as [(Int, Alert.Severity?)])
    func complaintRateBands(complaints: Int, expected: Alert.Severity?) throws {
        let found = try alerts([complaintSend(complaints)]).filter { $0.kind == .complaintRate && $0.campaign == "c" }
        #expect(found.first?.severity == expected)
        if let a = found.first {
            #expect(a.value == Double(complaints) / 10_000)
            #expect(a.threshold == (expected == .critical ? 0.003 : 0.001))
        }
    }

    @Test func complaintAlertAlsoForTheProgramWeekFromSummedCounts() throws {
        // c: 30 / 10,000 = 0.3 % (critical); d: 10 / 10,000. The week: 40 / 20,000 = 0.2 % → warning.
        let d = row("d", at: "2026-11-18T09:00:00Z", counts(sent: 10_500, delivered: 10_000, hard: 0, soft: 500, opens: 2000, machine: 0, clicks: 200, unsubs: 0, complaints: 10))
        let found = try alerts([complaintSend(30), d]).filter { $0.kind == .complaintRate }
        #expect(found.first { $0.campaign == "c" }?.severity == .critical)
        let week = try #require(found.first { $0.campaign == nil })
        #expect(week.week == ISOWeek(year: 2026, week: 47))
        #expect(week.severity == .warning)
        #expect(week.value == 0.002)
    }

    @Test func aOneSendWeekDoesNotRepeatItsSendsAlert() throws {
        let found = try alerts([complaintSend(30)]).filter { $0.kind == .complaintRate }
        #expect(found.count == 1)
        #expect(found.first?.campaign == "c")
    }

    @Test(arguments: [(199, nil), (200, Alert.Severity.warning), (499, .warning), (500, .critical)] as [(Int, Alert.Severity?)])
    func hardBounceRateBands(hard: Int, expected: Alert.Severity?) throws {
        // hard bounces / 10,000 sent: 2 % warning, 5 % critical.
        let r = row("b", counts(sent: 10_000, delivered: 10_000 - hard, hard: hard, soft: 0, opens: 2000, machine: 0, clicks: 100, unsubs: 0, complaints: 0))
        #expect(try alerts([r]).first { $0.kind == .hardBounceRate && $0.campaign == "b" }?.severity == expected)
    }

    /// Four weeks at 0.2 % unsubscribes (all delivered), then a fifth week with 2,500 soft bounces, so that
    /// sent ≠ delivered there: over sent (a wrong formula) its rate would be 0.32 %, no spike.
    func unsubscribeWeeks(last unsubs: Int, baseline: Int = 20) -> [CampaignRow] {
        (0..<5).map { i in
            let soft = i < 4 ? 0 : 2_500
            return row("w\(i)", at: iso("2026-10-13T09:00:00Z", plusDays: 7 * i), counts(
                sent: 10_000 + soft, delivered: 10_000, hard: 0, soft: soft, opens: 2500, machine: 0, clicks: 300,
                unsubs: i < 4 ? baseline : unsubs, complaints: 0))
        }
    }

    @Test func unsubscribeSpikeAtTwiceThePreviousFourWeeksInclusive() throws {
        // Baseline 80 / 40,000 = 0.2 %. 40 / 10,000 = 0.4 % is exactly 2× → warning; 39 is not.
        let spike = try alerts(unsubscribeWeeks(last: 40)).filter { $0.kind == .unsubscribeSpike }
        #expect(spike.count == 1)
        #expect(spike.first?.week == ISOWeek(year: 2026, week: 46))
        #expect(spike.first?.baseline == 0.002)
        #expect(spike.first?.value == 0.004)
        #expect(try alerts(unsubscribeWeeks(last: 39)).filter { $0.kind == .unsubscribeSpike }.isEmpty)
    }

    /// A spike from a zero baseline is no multiple of anything: it alerts from a minimum count of
    /// unsubscribes (`Thresholds.unsubscribeSpikeFromZero`, 10 by default).
    @Test func unsubscribeSpikeFromAZeroBaselineNeedsAMinimumCount() throws {
        let spike = try alerts(unsubscribeWeeks(last: 10, baseline: 0)).filter { $0.kind == .unsubscribeSpike }
        #expect(spike.count == 1)
        #expect(spike.first?.baseline == 0)
        #expect(spike.first?.value == 0.001)
        #expect(spike.first?.count == 10)
        #expect(try alerts(unsubscribeWeeks(last: 9, baseline: 0)).filter { $0.kind == .unsubscribeSpike }.isEmpty)
    }

    @Test func humanOpenDropAtSevenTenthsOfThePreviousFourWeeksInclusive() throws {
        // Human opens = unique opens − machine opens. Baseline (3,000 − 500) / 10,000 = 25 %; the last week
        // (2,500 − 750) = 17.5 % is exactly 0.7× → warning; 17.51 % is not. By raw opens (a wrong formula) the
        // last week would be 25 % against 30 %: 0.83×, no alert.
        func weeks(_ lastHumanOpens: Int) -> [CampaignRow] {
            (0..<5).map { i in
                row("w\(i)", at: iso("2026-10-13T09:00:00Z", plusDays: 7 * i), counts(
                    sent: 10_000, delivered: 10_000, opens: i < 4 ? 3000 : lastHumanOpens + 750, machine: i < 4 ? 500 : 750,
                    clicks: 100, unsubs: 0, complaints: 0))
            }
        }
        let drop = try alerts(weeks(1750)).filter { $0.kind == .humanOpenDrop }
        #expect(drop.count == 1)
        #expect(drop.first?.baseline == 0.25)
        #expect(try alerts(weeks(1751)).filter { $0.kind == .humanOpenDrop }.isEmpty)
    }

    @Test func goalMissedInTheRightDirection() throws {
        let goals = [ProgramConfig(slug: "newsletter", goals: [.humanOpenRate: 0.25, .unsubscribeRate: 0.002])]
        // 24.99 % human opens misses a 25 % goal; 0.21 % unsubscribes misses a 0.2 % ceiling.
        let miss = try alerts([row("a", counts(sent: 10_000, delivered: 10_000, opens: 2499, machine: 0, clicks: 100, unsubs: 21, complaints: 0))], programs: goals)
        #expect(Set(miss.filter { $0.kind == .goalMissed }.compactMap(\.kpi)) == [.humanOpenRate, .unsubscribeRate])
        // Exactly on the goal is not a miss.
        let hit = try alerts([row("a", counts(sent: 10_000, delivered: 10_000, opens: 2500, machine: 0, clicks: 100, unsubs: 20, complaints: 0))], programs: goals)
        #expect(hit.filter { $0.kind == .goalMissed }.isEmpty)
    }

    @Test func noReplySenderIsARecommendation() throws {
        for address in ["noreply@x.example", "no-reply@x.example", "No_Reply@x.example", "donotreply@x.example", "do-not-reply@x.example"] {
            let a = try alerts([row("a", from: address, counts(sent: 10, delivered: 10))]).filter { $0.kind == .noReplySender }
            #expect(a.count == 1, "\(address)")
            #expect(a.first?.severity == .recommendation)
            #expect(a.first?.week == nil)
        }
        #expect(try alerts([row("a", from: "hello@x.example", counts(sent: 10, delivered: 10))]).filter { $0.kind == .noReplySender }.isEmpty)
    }

    @Test func thresholdsAreOverridable() throws {
        var t = Thresholds()
        t.complaintRate = Band(warning: 0.0005, critical: 0.002)
        let report = try build([complaintSend(5)], config: config(thresholds: t))
        #expect(report.alerts.first { $0.kind == .complaintRate }?.severity == .warning)
    }

    /// Certain when the whole 95 % interval is past the line. 10 / 10,000 = 0.10 % (interval 0.054–0.184 %) is a
    /// possible warning. At 100,000 delivered the low end reaches 0.1 % at 120 complaints (0.10037 %) and not
    /// at 119 (0.09946 %): worked out with the Wilson formula in `IntervalTests`.
    @Test func certainOnlyWhenTheWholeIntervalIsPastTheLine() throws {
        let small = try #require(try alerts([complaintSend(10)]).first { $0.kind == .complaintRate && $0.campaign == "c" })
        #expect(small.certainty == .possible)
        #expect(abs((small.interval?.low ?? 0) - 0.000543) < 1e-6)
        #expect(abs((small.interval?.high ?? 0) - 0.001840) < 1e-6)
        func at(_ complaints: Int) throws -> Alert? {
            try alerts([complaintSend(complaints, delivered: 100_000)]).first { $0.kind == .complaintRate && $0.campaign == "c" }
        }
        #expect(try at(119)?.certainty == .possible)
        #expect(try at(120)?.certainty == .certain)
        #expect(try at(120)?.severity == .warning)
    }

    /// A drop is past its line downwards: certain when the interval's high end is at or below 0.7 × baseline.
    /// 1,750 / 10,000 human opens (17.5 %, interval 16.8–18.3 %) is exactly at the line, so only possible; at
    /// 1,600 (16.0 %, 15.3–16.7 %) the whole interval is under 17.5 %.
    @Test func aDropIsCertainWhenTheWholeIntervalIsBelowItsLine() throws {
        func weeks(_ last: Int) -> [CampaignRow] {
            (0..<5).map { i in
                row("w\(i)", at: iso("2026-10-13T09:00:00Z", plusDays: 7 * i), counts(
                    sent: 10_000, delivered: 10_000, opens: i < 4 ? 2500 : last, machine: 0, clicks: 100, unsubs: 0, complaints: 0))
            }
        }
        #expect(try alerts(weeks(1750)).first { $0.kind == .humanOpenDrop }?.certainty == .possible)
        #expect(try alerts(weeks(1600)).first { $0.kind == .humanOpenDrop }?.certainty == .certain)
    }
}
