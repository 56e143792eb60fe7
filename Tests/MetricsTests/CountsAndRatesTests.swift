import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *Counts and rates*.
@Suite struct CountsAndRatesTests {
    @Test func ratesOfSummedCountsNeverAveragedRates() throws {
        // Send A: 10 clicks / 100 delivered = 10 %. Send B: 10 / 900 = 1.11 %.
        // Averaging the rates would give 5.56 %; the summed counts give 20 / 1000 = 2 %.
        let report = try build([
            row("a", counts(sent: 100, delivered: 100, opens: 50, machine: 0, clicks: 10, unsubs: 0, complaints: 0)),
            row("b", at: "2026-11-18T09:00:00Z", counts(sent: 900, delivered: 900, opens: 90, machine: 0, clicks: 10, unsubs: 0, complaints: 0)),
        ])
        let week = try #require(report.program("newsletter")?.week(ISOWeek(year: 2026, week: 47)))
        #expect(week.totals.rates[.clickRate] == Ratio(20, 1000))
        #expect(week.totals.value(.clickRate) == 0.02)
    }

    @Test func humanOpensAreUniqueOpensLessMachineOnlyOpens() throws {
        // 500 unique opens of which 200 were machine only: 300 human opens of 1,000 delivered.
        let report = try build([row("a", counts(sent: 1010, delivered: 1000, opens: 500, machine: 200, clicks: 60, unsubs: 2, complaints: 1))])
        let t = Totals([try #require(report.send("a"))])
        #expect(t.value(.openRate) == 0.5)
        #expect(t.value(.humanOpenRate) == 0.3)
        #expect(t.value(.clickToOpenRate) == 0.2)     // 60 / 300 human opens
        #expect(t.rates[.deliveryRate] == Ratio(1000, 1010))
        #expect(t.value(.complaintRate) == 0.001)
        #expect(t.value(.positiveEngagementRate) == 0.3)  // max(300 human opens, 60 clicks) / 1000
        #expect(t.value(.negativeEngagementRate) == 0.003)  // (2 + 1) / 1000, deletes unknown
    }

    @Test func unknownCountIsNotZero() throws {
        // Complaints unknown for send a: the complaint rate is computed on send b alone (3 / 1000), not (0+3)/2000.
        let report = try build([
            row("a", counts(sent: 1000, delivered: 1000, opens: 100, machine: 0, clicks: 10)),
            row("b", at: "2026-11-18T09:00:00Z", counts(sent: 1000, delivered: 1000, opens: 100, machine: 0, clicks: 10, complaints: 3)),
        ])
        let a = Totals([try #require(report.send("a"))])
        #expect(a.value(.complaintRate) == nil)
        #expect(a.counts.complaints == nil)
        let week = try #require(report.program("newsletter")?.week(ISOWeek(year: 2026, week: 47)))
        #expect(week.totals.rates[.complaintRate] == Ratio(3, 1000))
        // With nothing known about replies or deletes, those rates are unknown, not 0 %.
        #expect(week.totals.value(.replyRate) == nil)
    }

    @Test func zeroDenominatorIsUnknownNotZeroOrNaN() throws {
        let report = try build([row("a", counts(sent: 10, delivered: 0, opens: 0, clicks: 0, unsubs: 0, complaints: 0))])
        let t = Totals([try #require(report.send("a"))])
        #expect(t.value(.complaintRate) == nil)
        #expect(t.value(.deliveryRate) == 0)
    }

    @Test func missingMachineSignalCountsAllOpensAsHumanAndMarksTheSend() throws {
        let report = try build([row("a", counts(sent: 1000, delivered: 1000, opens: 400, clicks: 40))])
        let s = try #require(report.send("a"))
        #expect(s.noProxySignal)
        #expect(Totals([s]).value(.humanOpenRate) == 0.4)
    }

    @Test func trackingOffSendsAreLeftOutOfOpenAndClickTrends() throws {
        // Send b had deliveries but no opens and no clicks: its 1,000 deliveries do not dilute the open rate.
        let report = try build([
            row("a", counts(sent: 1000, delivered: 1000, opens: 300, machine: 100, clicks: 50, unsubs: 1, complaints: 0)),
            row("b", at: "2026-11-18T09:00:00Z", counts(sent: 1000, delivered: 1000, opens: 0, machine: 0, clicks: 0, unsubs: 3, complaints: 0)),
        ])
        #expect(try #require(report.send("b")).trackingOff)
        let week = try #require(report.program("newsletter")?.week(ISOWeek(year: 2026, week: 47)))
        #expect(week.totals.value(.humanOpenRate) == 0.2)           // 200 / 1000, not 200 / 2000
        #expect(week.totals.rates[.unsubscribeRate] == Ratio(4, 2000))  // unsubscribes still count every delivery
        #expect(week.totals.sendsTrackingOff == 1)
    }

    /// "Too few to judge" replaced the fixed cut of 1,000 delivered: one send of 999 delivered has a judged open
    /// rate (100 / 999, interval 8.3–12.0 %) but its click rate (1 / 999, 0.02–0.57 %) is too few.
    @Test func tooFewToJudgeIsPerRateNotPerSend() throws {
        let report = try build([row("a", counts(sent: 1000, delivered: 999, opens: 100, machine: 0, clicks: 1))])
        let t = Totals([try #require(report.send("a"))])
        #expect(t.rates[.humanOpenRate]?.isTooFewToJudge == false)
        #expect(t.rates[.clickRate]?.isTooFewToJudge == true)
    }
}
