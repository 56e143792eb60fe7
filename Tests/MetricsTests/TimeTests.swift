import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *Time*.
@Suite struct TimeTests {
    @Test func weekOfASendIsTheISOWeekInTheProjectsTimeZone() throws {
        // Sunday 22 Nov 2026 23:30 UTC is Monday 23 Nov 00:30 in Stockholm (UTC+1): week 48 there, week 47 in UTC.
        let r = row("late", at: "2026-11-22T23:30:00Z", counts(sent: 10, delivered: 10))
        #expect(try build([r], config: config(zone: "Europe/Stockholm")).send("late")?.week == ISOWeek(year: 2026, week: 48))
        #expect(try build([r], config: config(zone: "UTC")).send("late")?.week == ISOWeek(year: 2026, week: 47))
        // New York (UTC−5): Monday 16 Nov 2026 03:00 UTC is still Sunday 15 Nov there: week 46.
        let early = row("early", at: "2026-11-16T03:00:00Z", counts(sent: 10, delivered: 10))
        #expect(try build([early], config: config(zone: "America/New_York")).send("early")?.week == ISOWeek(year: 2026, week: 46))
    }

    @Test func isoWeekYearDiffersFromCalendarYearAtNewYear() throws {
        // 1 Jan 2027 is a Friday: ISO week 2026-W53.
        let r = row("ny", at: "2027-01-01T12:00:00Z", counts(sent: 10, delivered: 10))
        #expect(try build([r]).send("ny")?.week == ISOWeek(year: 2026, week: 53))
    }

    @Test func rollingValueSumsCountsOverFourWeeks() throws {
        // Weekly sends with clicks/delivered 10/100, 20/100, 30/100, (no send in week 4), 40/100, 50/1000.
        // Rolling at the last week = its 4 calendar weeks (weeks 3–6, one without a send) =
        // (30+40+50) / (100+100+1000) = 120 / 1200; an average of rates would be 20 %, and 4 *sends* back
        // (20+30+40+50) / 1300 would be another wrong answer.
        let deliveredAndClicks: [Int: (Int, Int)] = [0: (100, 10), 1: (100, 20), 2: (100, 30), 4: (100, 40), 5: (1000, 50)]
        let rows = deliveredAndClicks.sorted { $0.key < $1.key }.map { i, dc in
            row("s\(i)", at: iso("2026-10-05T09:00:00Z", plusDays: 7 * i), counts(sent: dc.0 + 10, delivered: dc.0, hard: 5, soft: 5, opens: dc.1 * 2, machine: 0, clicks: dc.1))
        }
        let program = try #require(try build(rows).program("newsletter"))
        #expect(program.series.count == 6)
        let last = try #require(program.series.last)
        #expect(last.rolling.rates[.clickRate] == Ratio(120, 1200))
        #expect(last.rolling.sends == 3)
        // The alert baseline is the four weeks before (weeks 2–5): (20+30+40) / 300.
        #expect(last.baseline.rates[.clickRate] == Ratio(90, 300))
        // The week without a send has no rolling value of its own? It does: weeks 1–4 hold three sends.
        #expect(program.series[3].totals.sends == 0)
        #expect(program.series[3].rolling.rates[.clickRate] == Ratio(60, 300))
    }

    @Test func changeAgainstThePreviousWeekIsInPoints() throws {
        // 30 % then 25 %: a change of −5 points (−0.05 as a fraction).
        let program = try #require(try build([
            row("a", at: "2026-11-10T09:00:00Z", counts(sent: 100, delivered: 100, opens: 30, machine: 0, clicks: 3)),
            row("b", at: "2026-11-17T09:00:00Z", counts(sent: 200, delivered: 200, opens: 50, machine: 0, clicks: 6)),
        ]).program("newsletter"))
        let change = try #require(program.series.last?.change[.humanOpenRate])
        #expect(abs(change.value - (-0.05)) < 1e-12)
        // 30/100 vs 50/200 is not yet a change: Newcombe's interval spans zero.
        #expect(!change.interval.excludesZero)
        #expect(program.series.first?.change.isEmpty == true)
    }

    @Test func aWeekWithoutSendsIsAGapNotAZero() throws {
        let program = try #require(try build([
            row("a", at: "2026-11-03T09:00:00Z", counts(sent: 100, delivered: 100, opens: 30, machine: 0, clicks: 3)),
            row("b", at: "2026-11-17T09:00:00Z", counts(sent: 100, delivered: 100, opens: 30, machine: 0, clicks: 3)),
        ]).program("newsletter"))
        #expect(program.series.map(\.week.week) == [45, 46, 47])
        #expect(program.series[1].totals.value(.humanOpenRate) == nil)
        #expect(program.series[2].change.isEmpty)  // no previous week to compare with
    }

    @Test func weekIsProvisionalWhileItsLastSendIsYoungerThanTheResponseWindow() throws {
        // Newest data 2026-11-25 12:00; window 14 days → cut-off 2026-11-11 12:00.
        let rows = [
            row("old", at: "2026-11-11T12:00:00Z", counts(sent: 10, delivered: 10)),   // exactly at the cut-off: final
            row("new", program: "promotions", at: "2026-11-11T12:00:01Z", counts(sent: 10, delivered: 10)),
        ]
        let newest = date("2026-11-25T12:00:00Z").timeIntervalSince1970
        let report = try build([rows[0]], newest: newest)
        #expect(report.weeks.first?.provisional == false)
        let report2 = try build(rows, newest: newest)
        #expect(report2.weeks.first?.provisional == true)
    }
}

